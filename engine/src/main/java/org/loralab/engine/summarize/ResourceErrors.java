package org.loralab.engine.summarize;

import ai.djl.engine.EngineException;
import java.util.Locale;

/**
 * Tells resource failures (out of memory, native allocation or device errors) from problems of one
 * document. A resource failure says nothing about the row it happened on: the same settings fail
 * the next batch too, so the job stops with advice instead of marking every row "failed".
 */
final class ResourceErrors {

    private static final String[] MEMORY_WORDS = {"out of memory", "not enough memory", "cannot allocate",
        "bad_alloc", "alloc_cpu", "defaultcpuallocator", "cuda error", "cublas", "cudnn"};

    private ResourceErrors() {
    }

    /** Whether {@code e} (or a cause) is an out-of-memory error, Java or native. */
    static boolean isOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            for (String w : MEMORY_WORDS) {
                if (m.contains(w)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code e} came from native code (PyTorch) or the JVM's own limits rather than from our checks. */
    static boolean isNative(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EngineException || t instanceof Error) {
                return true;
            }
        }
        return false;
    }
}
