package org.loralab.engine.params;

/** How the KNIME dialog shows a parameter; DEFAULT follows its type. */
public enum Widget {
    /** Text field, check box, spinner (numbers with a step), or a selection for choices. */
    DEFAULT,
    /** A number typed in a field instead of a spinner (learning rates, seeds). */
    NUMBER_EDIT,
    /** Multi-line text. */
    MULTILINE,
    /** A selection from the choices that also takes typed values (devices). */
    EDITABLE_CHOICE,
    /** A column of the input table at {@link Param#port()}. */
    COLUMN,
    /** A column of the optional input table at {@link Param#port()}. */
    OPTIONAL_COLUMN,
    /** A column of the optional input table at {@link Param#port()}, or none (an empty value). */
    OPTIONAL_COLUMN_OR_NONE,
    /** A folder that is read: path, knime:// URL or a word such as demo. */
    FOLDER_IN,
    /** A folder that is written. */
    FOLDER_OUT
}
