package org.loralab.engine.cli;

import org.loralab.engine.progress.ProgressListener;

/** Prints progress on one stderr line, rewritten in place; silent when stderr is not a terminal (logs, CI). */
final class ConsoleProgress implements ProgressListener {

    private static final boolean INTERACTIVE = System.console() != null;

    private final String label;
    private long lastPrint;

    ConsoleProgress(String label) {
        this.label = label;
    }

    @Override
    public void onProgress(long done, long total, String message) {
        long now = System.currentTimeMillis();
        if (!INTERACTIVE || (now - lastPrint < 200 && done != total)) {
            return;
        }
        lastPrint = now;
        System.err.print("\r" + label + ": " + done + (total > 0 ? "/" + total : "") + "  " + message + "   ");
        System.err.flush();
    }

    static void clear() {
        if (!INTERACTIVE) {
            return;
        }
        System.err.print("\r\033[K");
        System.err.flush();
    }
}
