package org.loralab.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {

    static final List<String> SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<unk>");

    @TempDir
    Path dir;

    private static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            texts.add("Patient, " + (20 + i) + ", reports fever for " + (i % 9 + 1) + " days. Plan: rest and review.");
            texts.add("患者" + (20 + i) + "歳、" + (i % 9 + 1) + "日前から発熱あり。方針は安静と経過観察。");
            texts.add("Osaka expects rain on Monday.\nThe high will be " + i + " degrees.");
            texts.add("Sunny 😀 day " + i); // a character outside the BMP: one token, never half of it
        }
        return texts;
    }

    private TextTokenizer write(BpeTrainer.Vocabulary v) throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), BpeTokenizerJson.build(v, SPECIALS, "<unk>"));
        return TextTokenizer.load(dir);
    }

    @Test
    void hfTokenizersLoadsItAndItRoundTripsTheCorpusWithFewerTokensThanCharacters() throws Exception {
        BpeTrainer.Vocabulary v = BpeTrainer.train(corpus(), "", 200);
        assertTrue(v.merges().size() > 50 && v.merges().size() <= 200, "merges learned: " + v.merges().size());
        try (TextTokenizer t = write(v)) {
            long chars = 0;
            long tokens = 0;
            for (String text : corpus()) {
                long[] ids = t.encode(text, false);
                assertEquals(text, t.decode(ids, false), "round trip");
                chars += text.codePointCount(0, text.length());
                tokens += ids.length;
            }
            assertTrue(tokens * 2 < chars, tokens + " tokens for " + chars + " characters: the merges are not applied");
            // digits are spelled one by one, so an unseen number still has tokens
            long[] number = t.encode("987654", false);
            assertEquals(6, number.length);
            assertEquals("987654", t.decode(number, false));
        }
    }

    @Test
    void noIdSequenceDecodesToInvalidText() throws Exception {
        BpeTrainer.Vocabulary v = BpeTrainer.train(corpus(), "", 100);
        int size = BpeTokenizerJson.vocabSize(v, SPECIALS);
        try (TextTokenizer t = write(v)) {
            Random r = new Random(1);
            for (int i = 0; i < 500; i++) {
                long[] ids = r.longs(1 + r.nextInt(30), 0, size).toArray();
                String text = t.decode(ids, true);
                assertFalse(text.contains("\uFFFD"), text);
            }
        }
    }

    @Test
    void charactersOutsideTheAlphabetBecomeTheUnknownToken() throws Exception {
        BpeTrainer.Vocabulary v = BpeTrainer.train(corpus(), "xyz", 50);
        assertTrue(v.alphabet().contains("x"), "extra alphabet kept");
        try (TextTokenizer t = write(v)) {
            long[] ids = t.encode("rain ✓ x", false);
            assertTrue(java.util.Arrays.stream(ids).anyMatch(id -> id == 3), java.util.Arrays.toString(ids));
            assertEquals("rain  x", t.decode(ids, true));
        }
    }

    @Test
    void sameCorpusSameVocabulary() {
        BpeTrainer.Vocabulary a = BpeTrainer.train(corpus(), "", 80);
        BpeTrainer.Vocabulary b = BpeTrainer.train(corpus(), "", 80);
        assertEquals(a.alphabet(), b.alphabet());
        for (int i = 0; i < a.merges().size(); i++) {
            assertEquals(List.of(a.merges().get(i)), List.of(b.merges().get(i)));
        }
    }
}
