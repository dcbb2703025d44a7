package org.loralab.engine.lora;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.LinearLayer;

/**
 * Several adapters attached to one model at once, each batch row using one of them or none (the
 * base model): the mixed batch of PEFT's {@code adapter_names} and S-LoRA. Adapters may differ in
 * rank, alpha and target modules; nothing is merged into the base weights. Before each batch, the
 * caller says which adapter each row uses ({@link #useRows}).
 */
public final class RowAdapters implements AutoCloseable {

    /** How a layer applies the rows' updates; see {@link MixedLoraModule}. */
    public enum Mode { GROUPED, PADDED }

    /**
     * The mode used unless one is given: GROUPED, the one that gives each row exactly its tokens alone. PADDED is
     * faster (see README) but sums in another order, which in bf16 can change a token.
     */
    public static final Mode DEFAULT_MODE = Mode.GROUPED;

    private final List<String> names;
    private final List<LoraAdapter> adapters;
    private final NDManager manager;
    private final List<MixedLoraModule> layers = new ArrayList<>();
    private volatile int[] rows = new int[0];

    private RowAdapters(List<String> names, List<LoraAdapter> adapters, NDManager manager) {
        this.names = names;
        this.adapters = adapters;
        this.manager = manager;
    }

    /**
     * Loads every adapter (name to folder) for {@code model} and hooks the mixed modules into its
     * layers; closing detaches them again and frees the adapters.
     */
    public static RowAdapters attach(Map<String, Path> folders, CausalLM model, Mode mode) throws IOException {
        List<String> names = new ArrayList<>(folders.keySet());
        List<LoraAdapter> loaded = new ArrayList<>();
        for (String name : names) {
            try {
                loaded.add(LoraAdapter.load(folders.get(name), model));
            } catch (IOException | RuntimeException e) {
                loaded.forEach(LoraAdapter::close);
                throw new IOException("adapter '" + name + "' (" + folders.get(name) + "): " + e.getMessage(), e);
            }
        }
        RowAdapters r = new RowAdapters(names, loaded, model.manager().newSubManager());
        r.hook(model, mode);
        return r;
    }

    private void hook(CausalLM model, Mode mode) {
        for (LinearLayer layer : model.linearLayers()) {
            LoraModule[] modules = new LoraModule[adapters.size()];
            boolean any = false;
            for (int k = 0; k < modules.length; k++) {
                modules[k] = adapters.get(k).modules().get(layer.modulePath());
                any |= modules[k] != null;
            }
            if (!any) {
                continue;
            }
            if (layer.adapter() != null) {
                throw new IllegalStateException(layer.modulePath() + " already has an adapter attached");
            }
            MixedLoraModule mixed = new MixedLoraModule(layer.modulePath(), modules, this, layer.outFeatures());
            if (mode == Mode.PADDED) {
                mixed.stack(manager, layer.inFeatures());
            }
            layer.setAdapter(mixed);
            layers.add(mixed);
        }
        this.model = model;
    }

    private CausalLM model;

    /** The adapter's index for {@link #useRows}, or -1 when no adapter has this name. */
    public int indexOf(String name) {
        return names.indexOf(name);
    }

    public List<String> names() {
        return List.copyOf(names);
    }

    public LoraAdapter adapter(int index) {
        return adapters.get(index);
    }

    /** Which adapter each row of the next forward passes uses: an index of {@link #names}, or -1 for the base model. */
    public void useRows(int[] adapterOfRow) {
        for (int a : adapterOfRow) {
            if (a < -1 || a >= adapters.size()) {
                throw new IllegalArgumentException("adapter index " + a + " of " + adapters.size() + " adapters");
            }
        }
        rows = adapterOfRow.clone();
    }

    int[] rows() {
        return rows;
    }

    /** A readable list, e.g. for logs: {@code en (rank 8), ja (rank 4)}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            parts.add(String.format(Locale.ROOT, "%s (rank %d)", names.get(k), adapters.get(k).config().r()));
        }
        return String.join(", ", parts);
    }

    @Override
    public void close() {
        if (model != null) {
            for (LinearLayer layer : model.linearLayers()) {
                if (layer.adapter() instanceof MixedLoraModule m && layers.contains(m)) {
                    layer.setAdapter(null);
                }
            }
        }
        layers.forEach(MixedLoraModule::close);
        manager.close();
        adapters.forEach(LoraAdapter::close);
    }

    /** Names to folders in the given order, refusing duplicate names. */
    public static Map<String, Path> byName(List<String> names, List<Path> folders) {
        Map<String, Path> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            if (m.put(names.get(i), folders.get(i)) != null) {
                throw new IllegalArgumentException("two adapters are named '" + names.get(i) + "'; names must be unique");
            }
        }
        return m;
    }
}
