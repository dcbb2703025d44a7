package org.loralab.spark;

import java.io.Serializable;
import java.util.HashMap;
import org.loralab.engine.params.RougeParams;
import org.loralab.engine.rouge.RougeOptions;

/**
 * The settings of a Spark ROUGE job: the node's parameters as {@link RougeParams}' saved values
 * (absent keys take the schema's defaults), plus the row-number column Spark adds.
 */
public final class RougeJob implements Serializable {

    private static final long serialVersionUID = 2L;

    /** Column of unique whole row numbers (seeds, errors, bootstrap order); null: each row's position in the input. */
    public String rowColumn;
    /** {@link RougeParams} as saved values (key to value). */
    public HashMap<String, Object> params = new HashMap<>();

    private transient RougeParams parsed;

    RougeParams params() {
        if (parsed == null) {
            parsed = RougeParams.SCHEMA.fromValues(params);
        }
        return parsed;
    }

    RougeOptions options() {
        return params().options();
    }
}
