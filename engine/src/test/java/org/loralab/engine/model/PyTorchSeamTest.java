package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DJL's internal PyTorch bindings (JniUtils, IValueUtils: not DJL's public API, they change between
 * releases) are called from {@link PyTorchInternals} only, imported or written out in full.
 */
class PyTorchSeamTest {

    private static final Pattern INTERNAL = Pattern.compile("\\b(JniUtils|IValueUtils)\\b");

    @Test
    void onlyPyTorchInternalsCallsDjlsInternalBindings() throws IOException {
        Path sources = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            List<String> callers = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().equals("PyTorchInternals.java"))
                    .filter(p -> INTERNAL.matcher(read(p)).find())
                    .map(p -> sources.relativize(p).toString())
                    .sorted().toList();
            assertEquals(List.of(), callers, "call DJL's internal bindings through model.PyTorchInternals");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
