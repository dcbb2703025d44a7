package org.loralab.engine.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before any work, that a command's output cannot destroy one of its own inputs: the
 * output may be neither an input nor a folder that holds one (replacing it would delete it).
 */
public final class OutputTargets {

    private OutputTargets() {
    }

    /**
     * @param option the output's option name, for the message (e.g. "--out")
     * @param inputs the command's inputs; null entries are skipped
     */
    public static void requireNotInput(Path output, String option, Path... inputs) throws IOException {
        if (output == null) {
            return;
        }
        Path out = canonical(output);
        for (Path input : inputs) {
            if (input == null) {
                continue;
            }
            Path in = canonical(input);
            if (in.equals(out)) {
                throw new IllegalArgumentException(option + " " + output + " is also an input of this command (" + input
                        + "); write the result elsewhere");
            }
            if (in.startsWith(out)) {
                throw new IllegalArgumentException(option + " " + output + " holds the input " + input
                        + "; replacing it would delete that input");
            }
        }
    }

    /** Two outputs of one command must be two files (also through links or ".."). */
    public static void requireDistinct(Path first, String firstOption, Path second, String secondOption) throws IOException {
        if (first != null && second != null && canonical(first).equals(canonical(second))) {
            throw new IllegalArgumentException(secondOption + " " + second + " is the same file as " + firstOption + " " + first
                    + "; name two files");
        }
    }

    /** The real path of the longest existing prefix plus the rest, so links and ".." compare correctly. */
    static Path canonical(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        Path rest = abs.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        return existing == null ? abs : existing.toRealPath().resolve(rest).normalize();
    }
}
