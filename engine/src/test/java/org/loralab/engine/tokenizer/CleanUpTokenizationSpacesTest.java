package org.loralab.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** clean_up_tokenization_spaces, applied by decode only where tokenizer_config.json asks for it (real Qwen3 tokenizer). */
class CleanUpTokenizationSpacesTest {

    static final String TEXT = "Hello , world . It is n't so ? I 'm sure ! We 've , they 're , it 's ' quoted ' x";
    // transformers' clean_up_tokenization: " ." " ?" " !" " ," " ' " " n't" " 'm" " 's" " 've" " 're", in that order
    static final String CLEANED = "Hello, world. It isn't so? I'm sure! We've, they're, it's'quoted'x";

    @TempDir
    Path dir;

    private TextTokenizer load(String flag) throws IOException {
        try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("/qwen3/tokenizer.json.gz"))) {
            Files.copy(in, dir.resolve("tokenizer.json"));
        }
        String cfg;
        try (InputStream in = getClass().getResourceAsStream("/qwen3/tokenizer_config.json")) {
            cfg = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String line = "\"clean_up_tokenization_spaces\": false,";
        assertTrue(cfg.contains(line));
        Files.writeString(dir.resolve("tokenizer_config.json"), cfg.replace(line, flag));
        return TextTokenizer.load(dir);
    }

    @Test
    void appliedWhenAsked() throws IOException {
        try (TextTokenizer t = load("\"clean_up_tokenization_spaces\": true,")) {
            assertEquals(CLEANED, t.decode(t.encode(TEXT, false), false));
        }
    }

    @Test
    void notAppliedWhenFalse() throws IOException {
        try (TextTokenizer t = load("\"clean_up_tokenization_spaces\": false,")) {
            assertEquals(TEXT, t.decode(t.encode(TEXT, false), false));
        }
    }

    @Test
    void notAppliedWhenAbsentAsInCurrentTransformers() throws IOException {
        try (TextTokenizer t = load("")) {
            assertEquals(TEXT, t.decode(t.encode(TEXT, false), false));
        }
    }

    @Test
    void aWrongTypeNamesTheFileAndKey() {
        IOException e = assertThrows(IOException.class, () -> load("\"clean_up_tokenization_spaces\": \"yes\","));
        assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains("clean_up_tokenization_spaces"), e.getMessage());
    }
}
