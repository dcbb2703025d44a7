package org.loralab.engine.params;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A component holding a record of parameters several nodes share (prompt, adapter output,
 * device): its parameters are the node's own, placed in the tab named here.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Nested {

    /** The dialog tab of the nested parameters (empty: the node has no tabs). */
    String tab() default "";
}
