package org.loralab.engine.params;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One node parameter, declared once on a component of the node's parameter record: the KNIME
 * settings key, the CLI option names, the dialog label, the help text (node description and
 * {@code --help}), the dialog tab and group, the default and the bounds. The CLI options, the KNIME
 * settings and dialog and the description's options are all made from these.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Param {

    /** The KNIME settings key, exactly as saved in settings.xml (never rename: saved workflows use it). */
    String key();

    /** CLI option names, e.g. {@code --lr}; none: not a CLI option (the CLI has a file argument or nothing for it). */
    String[] cli() default {};

    /** The dialog label, also the option's name in the node description. */
    String label();

    /** What it does; the node description may use {@code <tt>}, {@code <i>}, {@code <b>} (stripped for --help). */
    String help();

    /** The dialog tab; empty for a node without tabs. A {@link Nested} component may set it for its parameters. */
    String tab() default "";

    /** A bordered group within the tab, or empty. */
    String group() default "";

    /** The default, as text ({@code 2e-4}, {@code true}, {@code linear}). */
    String value();

    double min() default Double.NEGATIVE_INFINITY;

    double max() default Double.POSITIVE_INFINITY;

    /** Spinner step in the dialog (numbers shown with a spinner). */
    double step() default 1;

    /** Offered values of a text or enum parameter, in dialog order (enums: all constants when empty). */
    String[] choices() default {};

    Widget widget() default Widget.DEFAULT;

    /** Input port of a column parameter. */
    int port() default 0;

    /** Width of a text field, in characters (0: the dialog's default). */
    int width() default 0;

    /**
     * Added after the first release: settings saved before lack the key and load with the default
     * (or, for a boxed type, with null, which the record's constructor resolves from the other values).
     */
    boolean addedLater() default false;

    /** CLI only: {@code \n} typed on the command line means a line break. */
    boolean cliEscapes() default false;
}
