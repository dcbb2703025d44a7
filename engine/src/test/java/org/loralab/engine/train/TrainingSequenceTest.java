package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.tokenizer.BpeTokenizerJson;
import org.loralab.engine.tokenizer.BpeTrainer;
import org.loralab.engine.tokenizer.TextTokenizer;

/**
 * Training sequences as TRL's SFTTrainer builds prompt-completion examples: prompt + completion
 * tokenized as one text, the loss past the prompt's own token count. Checked on a SentencePiece-style
 * tokenizer laid out as Llama 2's and Mistral v0.1's tokenizer.json (normalizer: prepend "▁", spaces
 * to "▁"; BOS added by the post-processor), where a summary tokenized on its own starts with an extra "▁".
 */
class TrainingSequenceTest {

    static final String SP = BpeTokenizerJson.SPACE;
    static final long BOS = 1;
    static final long EOS = 2;
    // Mistral v0.1's chat template, shortened (no system turn, no role alternation check)
    static final String MISTRAL_TEMPLATE = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
            + "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% else %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}";

    @TempDir
    static Path dir;

    static TextTokenizer sp;
    static Map<Long, String> pieces = new HashMap<>();

    @BeforeAll
    static void build() throws Exception {
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            corpus.add("Doc: the cat sat on the mat and the dog sat on the rug.\nSummary: The cat sat. The dog sat.");
            corpus.add("[INST] Summarize: the storm moved north. [/INST]");
        }
        BpeTrainer.Vocabulary v = BpeTrainer.train(corpus, " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\n", 80);
        JsonObject json = JsonParser.parseString(BpeTokenizerJson.build(v, List.of("<unk>", "<s>", "</s>"), "<unk>")).getAsJsonObject();
        json.add("normalizer", JsonParser.parseString("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"" + SP
                + "\"},{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"" + SP + "\"}]}"));
        json.add("pre_tokenizer", com.google.gson.JsonNull.INSTANCE);
        json.add("decoder", JsonParser.parseString("{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":\"" + SP
                + "\"},\"content\":\" \"},{\"type\":\"Fuse\"},{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]}"));
        json.add("post_processor", JsonParser.parseString("{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":0}},"
                + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],\"pair\":[{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
                + "{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":1}},{\"Sequence\":{\"id\":\"B\",\"type_id\":1}}],"
                + "\"special_tokens\":{\"<s>\":{\"id\":\"<s>\",\"ids\":[1],\"tokens\":[\"<s>\"]}}}"));
        json.getAsJsonObject("model").getAsJsonObject("vocab").entrySet()
                .forEach(e -> pieces.put(e.getValue().getAsLong(), e.getKey()));
        Path sentencePiece = Files.createDirectories(dir.resolve("sp"));
        Files.writeString(sentencePiece.resolve("tokenizer.json"), json.toString());
        JsonObject cfg = new JsonObject();
        cfg.addProperty("bos_token", "<s>");
        cfg.addProperty("eos_token", "</s>");
        cfg.addProperty("chat_template", MISTRAL_TEMPLATE);
        Files.writeString(sentencePiece.resolve("tokenizer_config.json"), cfg.toString());
        sp = TextTokenizer.load(sentencePiece);
    }

    @AfterAll
    static void close() {
        sp.close();
    }

    static String joined(long[] ids, int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append(pieces.get(ids[i]));
        }
        return b.toString();
    }

    static long[] plus(long[] ids, long last) {
        long[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = last;
        return out;
    }

    @Test
    void plainTargetIsTheTailOfTheWholeTextWithoutAnExtraWordStart() {
        PromptEncoder enc = new PromptEncoder(sp, new PromptFormat("Doc: {document}\nSummary:", "", false));
        EncodedExample x = EncodedExample.encode(List.of(new TrainingExample(0, "the cat sat on the mat", "  The cat sat. ")),
                enc, EOS, 200).get(0);
        // TRL: ids of prompt + completion as one text (BOS from the post-processor), EOS appended
        long[] whole = sp.encode("Doc: the cat sat on the mat\nSummary: The cat sat.", true);
        assertArrayEquals(plus(whole, EOS), x.ids());
        assertArrayEquals(sp.encode("Doc: the cat sat on the mat\nSummary:", true), Arrays.copyOf(x.ids(), x.promptLength()));
        assertEquals(BOS, x.ids()[0]);
        assertEquals(SP + "The" + SP + "cat" + SP + "sat.</s>", joined(x.ids(), x.promptLength(), x.ids().length));
        // tokenized alone (the old way), the same completion gains a second word start
        assertEquals(SP + SP + "The" + SP + "cat" + SP + "sat.", joined(sp.encode(" The cat sat.", false), 0, sp.encode(" The cat sat.", false).length));
    }

    @Test
    void chatTargetIsTheAssistantTurnOfTheConversationRenderedWhole() {
        PromptEncoder enc = new PromptEncoder(sp, new PromptFormat("Summarize: {document}", "", true));
        EncodedExample x = EncodedExample.encode(List.of(new TrainingExample(3, "the storm moved north.", "The cat sat.")),
                enc, EOS, 200).get(0);
        // Mistral v0.1 renders the assistant turn right after "[/INST]": no space, so no word start
        long[] whole = sp.encode("<s>[INST] Summarize: the storm moved north. [/INST]The cat sat.</s>", false);
        assertArrayEquals(whole, x.ids(), "the template's own EOS ends the completion; nothing appended");
        assertArrayEquals(sp.encode("<s>[INST] Summarize: the storm moved north. [/INST]", false), Arrays.copyOf(x.ids(), x.promptLength()));
        String completion = joined(x.ids(), x.promptLength(), x.ids().length);
        assertEquals("The" + SP + "cat" + SP + "sat.</s>", completion);
        assertFalse(completion.startsWith(SP));
    }

    @Test
    void aLongDocumentIsCutAndTheWholeSequenceFits() {
        PromptEncoder enc = new PromptEncoder(sp, new PromptFormat("Doc: {document}\nSummary:", "", false));
        String doc = "the cat sat on the mat and the dog sat on the rug. ".repeat(20).strip();
        for (int max : new int[] {30, 47, 64, 101}) {
            EncodedExample x = EncodedExample.encode(List.of(new TrainingExample(0, doc, "The dog sat.")), enc, EOS, max).get(0);
            assertTrue(x.ids().length <= max, x.ids().length + " > " + max);
            assertTrue(x.droppedDocumentTokens() > 0);
            assertEquals(SP + "The" + SP + "dog" + SP + "sat.</s>", joined(x.ids(), x.promptLength(), x.ids().length), "max " + max);
            String prompt = sp.decode(Arrays.copyOf(x.ids(), x.promptLength()), true);
            String kept = prompt.substring("Doc: ".length(), prompt.length() - "\nSummary:".length());
            assertTrue(doc.startsWith(kept), kept);
        }
    }

    /** Where the whole text's tokens do not start with the prompt's, TRL masks by the prompt's count all the same. */
    @Test
    void aMergeAcrossTheBoundaryMasksByThePromptsTokenCountAsTrl() throws Exception {
        Path qwen = Files.createDirectories(dir.resolve("qwen"));
        try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("/qwen3/tokenizer.json.gz"))) {
            Files.copy(in, qwen.resolve("tokenizer.json"));
        }
        JsonObject cfg = new JsonObject();
        cfg.addProperty("eos_token", "<|im_end|>");
        cfg.addProperty("chat_template", "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}"
                + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");
        Files.writeString(qwen.resolve("tokenizer_config.json"), cfg.toString());
        try (TextTokenizer t = TextTokenizer.load(qwen)) {
            PromptEncoder enc = new PromptEncoder(t, new PromptFormat("{document}", "", true));
            // the summary starts with a newline: "assistant\n" + "\nThe" has "\n\n", one token in Qwen's vocabulary
            EncodedExample x = EncodedExample.encode(List.of(new TrainingExample(0, "hello", "\nThe cat.")), enc, 151645, 100).get(0);
            long[] prompt = t.encode("<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n", false);
            long[] whole = t.encode("<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n\nThe cat.<|im_end|>\n", false);
            assertFalse(Arrays.equals(prompt, Arrays.copyOf(whole, prompt.length)), "the boundary must merge for this test");
            assertArrayEquals(whole, x.ids());
            assertEquals(prompt.length, x.promptLength());
        }
    }

    @Test
    void aRowTheChatTemplateRefusesIsNamed() throws Exception {
        Path qwen = Files.createDirectories(dir.resolve("refusing"));
        try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("/qwen3/tokenizer.json.gz"))) {
            Files.copy(in, qwen.resolve("tokenizer.json"));
        }
        JsonObject cfg = new JsonObject();
        cfg.addProperty("chat_template", "{% for m in messages %}{% if m['content'] == 'secret' %}{{ raise_exception('no secrets') }}{% endif %}"
                + "{{ m['content'] }}{% endfor %}");
        Files.writeString(qwen.resolve("tokenizer_config.json"), cfg.toString());
        try (TextTokenizer t = TextTokenizer.load(qwen)) {
            PromptEncoder enc = new PromptEncoder(t, new PromptFormat("{document}", "", true));
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> EncodedExample.encode(List.of(new TrainingExample(0, "fine", "ok"), new TrainingExample(7, "secret", "ok")), enc, 0, 50));
            assertTrue(e.getMessage().startsWith("row 7: ") && e.getMessage().contains("no secrets"), e.getMessage());
        }
    }
}
