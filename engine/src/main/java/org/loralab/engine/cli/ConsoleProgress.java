package org.loralab.engine.cli;

import org.loralab.engine.progress.ProgressListener;

/**
 * Prints progress to stderr: on a terminal one line rewritten in place; in logs and CI a plain
 * line every few seconds, so scheduled jobs still show that work goes on.
 */
final class ConsoleProgress implements ProgressListener {

    private static final boolean INTERACTIVE = System.console() != null;
    private static final long LOG_INTERVAL_MS = 5000;

    private final String label;
    private long lastPrint;

    ConsoleProgress(String label) {
        this.label = label;
    }

    @Override
    public void onProgress(long done, long total, String message) {
        long now = System.currentTimeMillis();
        long interval = INTERACTIVE ? 200 : LOG_INTERVAL_MS;
        if (now - lastPrint < interval && done != total) {
            return;
        }
        lastPrint = now;
        String line = label + ": " + done + (total > 0 ? "/" + total : "") + "  " + message;
        if (INTERACTIVE) {
            System.err.print("\r" + line + "   ");
        } else {
            System.err.println(line);
        }
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
