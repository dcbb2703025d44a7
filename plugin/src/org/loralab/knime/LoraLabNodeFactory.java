package org.loralab.knime;

import java.util.function.Supplier;
import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeView;

/**
 * The factory shape all five nodes share: one model, one dialog, no views (results are tables
 * and adapter ports, which have their own views). The node description is the XML file named
 * after the concrete factory class, beside it.
 */
public abstract class LoraLabNodeFactory<M extends NodeModel> extends NodeFactory<M> {

    private final Supplier<M> model;
    private final Supplier<NodeDialogPane> dialog;

    protected LoraLabNodeFactory(final Supplier<M> model, final Supplier<NodeDialogPane> dialog) {
        this.model = model;
        this.dialog = dialog;
    }

    @Override
    public M createNodeModel() {
        return model.get();
    }

    @Override
    protected int getNrNodeViews() {
        return 0;
    }

    @Override
    public NodeView<M> createNodeView(final int viewIndex, final M nodeModel) {
        return null;
    }

    @Override
    protected boolean hasDialog() {
        return true;
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return dialog.get();
    }
}
