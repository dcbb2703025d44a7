package org.loralab.knime.port;

import java.util.Map;
import javax.swing.JComponent;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.table.DefaultTableModel;

/** The adapter port's view: a two-column, read-only table of its metadata. */
final class AdapterView {

    private AdapterView() {
    }

    static JComponent of(final String title, final Map<String, String> rows) {
        DefaultTableModel model = new DefaultTableModel(new Object[] {"Property", "Value"}, 0) {
            private static final long serialVersionUID = 1L;

            @Override
            public boolean isCellEditable(final int row, final int column) {
                return false;
            }
        };
        rows.forEach((k, v) -> model.addRow(new Object[] {k, v}));
        JTable table = new JTable(model);
        table.setFillsViewportHeight(true);
        JScrollPane pane = new JScrollPane(table);
        pane.setName(title);
        return pane;
    }
}
