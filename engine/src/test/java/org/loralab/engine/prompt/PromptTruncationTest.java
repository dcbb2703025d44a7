package org.loralab.engine.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.loralab.engine.tokenizer.TextTokenizer;
import org.loralab.engine.train.EncodedExample;
import org.loralab.engine.train.TrainingExample;

/**
 * Cutting a document to a token budget on a byte-level BPE (the real Qwen3 tokenizer, where a rare
 * character such as 🫠 or 𪚲 is several tokens of one or two bytes each): the prompt holds a prefix
 * of the document's own text, never a half character decoded to U+FFFD.
 */
class PromptTruncationTest {

    // each of 🫠 🧌 𪚲 ꙮ is 2-3 tokens in Qwen's vocabulary; the kana and kanji are mostly whole tokens
    static final String DOC = "台風は夜のうちに🫠北へ進み、𪚲大阪に🧌40ミリの雨をꙮ降らせました。患者😀の血圧は安定。".repeat(6);
    static final String HEAD = "Doc: ";
    static final String TAIL = "\nSummary:";

    @TempDir
    static Path dir;

    static TextTokenizer qwen;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = new GZIPInputStream(PromptTruncationTest.class.getResourceAsStream("/qwen3/tokenizer.json.gz"))) {
            Files.copy(in, dir.resolve("tokenizer.json"));
        }
        try (InputStream in = PromptTruncationTest.class.getResourceAsStream("/qwen3/tokenizer_config.json")) {
            Files.copy(in, dir.resolve("tokenizer_config.json"));
        }
        qwen = TextTokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        qwen.close();
    }

    @Test
    void theDocumentSplitsCharactersIntoSeveralTokens() {
        // the premise: decoding a token prefix can end inside a character
        long[] ids = qwen.encode("🫠𪚲", false);
        assertTrue(ids.length >= 4, "tokens: " + ids.length);
        assertTrue(qwen.decode(java.util.Arrays.copyOf(ids, 1), false).contains("\uFFFD"));
    }

    @Test
    void everyBudgetKeepsAPrefixOfTheDocumentAndNoReplacementCharacter() {
        PromptEncoder enc = new PromptEncoder(qwen, new PromptFormat(HEAD + "{document}" + TAIL, "", false));
        int overhead = qwen.encode(HEAD + TAIL).length;
        int total = qwen.encode(HEAD + DOC + TAIL).length;
        int cut = 0;
        for (int max = overhead; max < total; max++) {
            PromptEncoder.Encoded e = enc.encode(DOC, max);
            assertTrue(e.ids().length <= max);
            String text = qwen.decode(e.ids(), false);
            assertFalse(text.contains("\uFFFD"), "budget " + max + ": " + text);
            assertTrue(text.startsWith(HEAD) && text.endsWith(TAIL), text);
            String kept = text.substring(HEAD.length(), text.length() - TAIL.length());
            assertTrue(DOC.startsWith(kept), "budget " + max + ": not a prefix of the document: " + kept);
            assertTrue(e.droppedTokens() > 0);
            cut++;
        }
        assertTrue(cut > 100, "budgets tried: " + cut);
    }

    @Test
    void trainingSequencesNeverHoldAReplacementCharacterEither() {
        PromptEncoder enc = new PromptEncoder(qwen, new PromptFormat(HEAD + "{document}" + TAIL, "", false));
        for (int max = 30; max < 120; max++) {
            EncodedExample x = EncodedExample.encode(List.of(new TrainingExample(0, DOC, "台風が🫠大阪に雨。")), enc, 151643, max).get(0);
            String text = qwen.decode(x.ids(), false);
            assertFalse(text.contains("\uFFFD"), "max " + max + ": " + text);
            assertTrue(text.endsWith(" 台風が🫠大阪に雨。<|endoftext|>"), text);
        }
    }

    @Test
    void aReplacementCharacterTheDocumentHoldsIsKept() {
        PromptEncoder enc = new PromptEncoder(qwen, new PromptFormat("{document}", "", false));
        String doc = "a\uFFFDb ".repeat(50);
        String text = qwen.decode(enc.encode(doc, 20).ids(), false);
        assertTrue(doc.startsWith(text) && text.contains("\uFFFD"), text);
    }
}
