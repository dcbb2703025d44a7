package org.loralab.engine.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.tokenizer.TextTokenizer;
import org.loralab.engine.train.EncodedExample;
import org.loralab.engine.train.TrainingExample;

class TemplateArgsTest {

    @TempDir
    Path dir;

    @Test
    void valuesAreJsonLiteralsElseText() {
        Map<String, Object> args = TemplateArgs.parse(List.of("enable_thinking=false", "n=3", "x=3.0", "name=Osaka",
                "quoted=\"true\"", "list=[1, \"a\"]", "empty=", "n=4"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("enable_thinking", false);
        expected.put("n", 4L); // a later value replaces an earlier one
        expected.put("x", 3.0);
        expected.put("name", "Osaka");
        expected.put("quoted", "true");
        expected.put("list", List.of(1L, "a"));
        expected.put("empty", "");
        assertEquals(expected, args);
        assertEquals(List.of("enable_thinking", "n", "x", "name", "quoted", "list", "empty"), List.copyOf(args.keySet()));
        for (String bad : new String[] {"enable_thinking", "=false", "1x=2", "a b=1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TemplateArgs.parse(List.of(bad)), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void recordedAsTheAdapterSidecarRecordsThePromptAndReadBack() {
        PromptFormat f = PromptFormat.defaults().withChat(true).withTemplateArgs(TemplateArgs.parse(List.of("enable_thinking=false", "k=2")));
        // TrainLoraJob records the prompt as Gson writes the record
        var json = new Gson().toJsonTree(f).getAsJsonObject();
        assertEquals(JsonParser.parseString("{\"enable_thinking\":false,\"k\":2}"), json.get("templateArgs"));
        assertEquals(f.templateArgs(), TemplateArgs.fromJson(json.get("templateArgs")));
        assertEquals(Map.of(), TemplateArgs.fromJson(null));
        assertEquals(Map.of(), new PromptFormat("{document}", "", true).templateArgs());
        assertEquals(f.templateArgs(), f.withLanguage("ja").withChat(false).withChat(true).templateArgs());
    }

    /** Qwen3's real template: enable_thinking=false closes an empty think block in the prompt, as transformers renders it. */
    @Test
    void qwen3EnableThinkingReachesTheTemplateInPromptsAndTrainingSequences() throws Exception {
        try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("/qwen3/tokenizer.json.gz"))) {
            Files.copy(in, dir.resolve("tokenizer.json"));
        }
        try (InputStream in = getClass().getResourceAsStream("/qwen3/tokenizer_config.json")) {
            Files.copy(in, dir.resolve("tokenizer_config.json"));
        }
        try (TextTokenizer qwen = TextTokenizer.load(dir)) {
            PromptFormat plain = new PromptFormat("{document}", "", true);
            PromptFormat noThinking = plain.withTemplateArgs(Map.of("enable_thinking", false));
            assertEquals("<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n", new PromptEncoder(qwen, plain).promptText("hello"));
            assertEquals("<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
                    new PromptEncoder(qwen, noThinking).promptText("hello"));
            EncodedExample x = EncodedExample.encode(List.of(new TrainingExample(0, "hello", "Hi there.")),
                    new PromptEncoder(qwen, noThinking), 151645, 100).get(0);
            long[] completion = Arrays.copyOfRange(x.ids(), x.promptLength(), x.ids().length);
            assertArrayEquals(qwen.encode("Hi there.<|im_end|>\n", false), completion);
        }
    }
}
