package org.loralab.engine.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/** Child JVM of HostileTokenizerTest: loads a tokenizer folder and encodes a document, as a job would. */
public final class HostileTokenizerMain {

    private HostileTokenizerMain() {
    }

    public static void main(String[] args) {
        try (TextTokenizer t = TextTokenizer.load(Path.of(args[0]))) {
            System.out.println("encoded: " + t.encode(args[1]).length + " ids");
        } catch (IOException | RuntimeException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
