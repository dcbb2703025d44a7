package org.loralab.engine.summarize;

/**
 * Summarize cannot go on: generation failed for a reason that is not one document's fault (out of
 * memory, a native error). The job fails with this message, which says what to change; the CLI
 * exits non-zero and the KNIME node turns red.
 */
public final class SummarizeFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SummarizeFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
