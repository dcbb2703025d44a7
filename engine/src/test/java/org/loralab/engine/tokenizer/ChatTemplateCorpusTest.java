package org.loralab.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Real chat templates of many model families (resources/chat-templates, see SOURCES.md) rendered for every
 * conversation shape the engine builds, compared byte for byte with what transformers renders: expected.json
 * in each folder is written by engine/src/test/python/render_chat_templates.py with Python jinja2 set up as
 * transformers' chat_template_utils does.
 */
class ChatTemplateCorpusTest {

    /** The instant render_chat_templates.py gives strftime_now (FIXED_NOW there). */
    static final Clock FIXED_NOW = Clock.fixed(LocalDateTime.of(2026, 1, 5, 9, 7, 3).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    static Path corpus() throws URISyntaxException {
        return Path.of(ChatTemplateCorpusTest.class.getResource("/chat-templates").toURI());
    }

    static List<Path> families() throws IOException, URISyntaxException {
        try (Stream<Path> s = Files.list(corpus())) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void corpusHasAtLeastFifteenFamilies() throws Exception {
        // Folders starting with '_' hold templates written for the test, not a model family's.
        long real = families().stream().filter(d -> !d.getFileName().toString().startsWith("_")).count();
        assertTrue(real >= 15, "families: " + real);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesTransformersByteForByte() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : families()) {
            String family = dir.getFileName().toString();
            JsonObject expected = JsonParser.parseString(Files.readString(dir.resolve("expected.json"), StandardCharsets.UTF_8)).getAsJsonObject();
            JsonObject cfg = JsonParser.parseString(Files.readString(dir.resolve("tokenizer_config.json"), StandardCharsets.UTF_8)).getAsJsonObject();
            for (JsonElement c : expected.getAsJsonArray("cases")) {
                JsonObject kase = c.getAsJsonObject();
                String name = family + "/" + kase.get("name").getAsString();
                tests.add(DynamicTest.dynamicTest(name, () -> check(dir, cfg, expected.get("template_file").getAsString(), kase, name)));
            }
        }
        return tests.stream();
    }

    private static void check(Path dir, JsonObject cfg, String templateFile, JsonObject kase, String name) throws IOException {
        ChatTemplate template = ChatTemplateFiles.load(dir, cfg, FIXED_NOW).orElseThrow();
        assertTrue(template.origin().contains(templateFile), "template taken from " + template.origin() + ", transformers uses " + templateFile);
        List<ChatTemplate.Message> messages = new ArrayList<>();
        for (JsonElement m : kase.getAsJsonArray("messages")) {
            messages.add(new ChatTemplate.Message(m.getAsJsonObject().get("role").getAsString(), m.getAsJsonObject().get("content").getAsString()));
        }
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : kase.getAsJsonObject("kwargs").entrySet()) {
            kwargs.put(e.getKey(), toJava(e.getValue()));
        }
        boolean gen = kase.get("add_generation_prompt").getAsBoolean();
        if (kase.has("refused")) {
            String because = kase.get("refused").getAsString();
            Exception e = assertThrows(IllegalArgumentException.class, () -> template.render(messages, gen, kwargs),
                    name + ": transformers refuses this (" + because + ")");
            assertTrue(e.getMessage().contains(because), name + ": message should carry the template's reason: " + e.getMessage());
            assertTrue(e.getMessage().contains(dir.getFileName().toString()), name + ": message should name the template: " + e.getMessage());
            return;
        }
        String want = kase.get("expected").getAsString();
        String got;
        try {
            got = template.render(messages, gen, kwargs);
        } catch (RuntimeException e) {
            fail(name + ": transformers renders this, we threw " + e);
            return;
        }
        if (!want.equals(got)) {
            fail(name + ": differs from transformers " + firstDifference(want, got));
        }
    }

    /** A JSON value as the Python value json.loads gives: dicts keep their order, integers stay integers. */
    static Object toJava(JsonElement e) {
        if (e.isJsonNull()) {
            return null;
        }
        if (e.isJsonObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(x -> m.put(x.getKey(), toJava(x.getValue())));
            return m;
        }
        if (e.isJsonArray()) {
            List<Object> l = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> l.add(toJava(x)));
            return l;
        }
        if (e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        if (e.getAsJsonPrimitive().isNumber()) {
            String n = e.getAsString();
            return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) e.getAsDouble() : (Object) e.getAsLong();
        }
        return e.getAsString();
    }

    /** Where two renderings part, with the surrounding text escaped so that newlines and spaces show. */
    static String firstDifference(String want, String got) {
        int i = 0;
        while (i < want.length() && i < got.length() && want.charAt(i) == got.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 40);
        return "at char " + i + " (lengths " + want.length() + " vs " + got.length() + ")\n  transformers: …"
                + escape(want.substring(from, Math.min(want.length(), i + 40))) + "\n  ours:         …"
                + escape(got.substring(from, Math.min(got.length(), i + 40)));
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }

    @Test
    void chatTemplateJinjaBesideTheConfigWins(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"config\", \"eos_token\": \"</s>\"}");
        JsonObject cfg = JsonParser.parseString(Files.readString(dir.resolve("tokenizer_config.json"))).getAsJsonObject();
        assertEquals("config", ChatTemplateFiles.load(dir, cfg, FIXED_NOW).orElseThrow().render(List.of(), false));
        Files.writeString(dir.resolve("chat_template.jinja"), "file{{ eos_token }}\n");
        assertEquals("file</s>", ChatTemplateFiles.load(dir, cfg, FIXED_NOW).orElseThrow().render(List.of(), false));
    }

    @Test
    void namedTemplatesUseDefaultAndRefuseWithoutOne(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        JsonObject cfg = JsonParser.parseString("{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"t\"},"
                + " {\"name\": \"default\", \"template\": \"d\"}]}").getAsJsonObject();
        assertEquals("d", ChatTemplateFiles.load(dir, cfg, FIXED_NOW).orElseThrow().render(List.of(), false));
        JsonObject none = JsonParser.parseString("{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"t\"}]}").getAsJsonObject();
        IOException e = assertThrows(IOException.class, () -> ChatTemplateFiles.load(dir, none, FIXED_NOW));
        assertTrue(e.getMessage().contains("default"), e.getMessage());
        Files.createDirectory(dir.resolve("additional_chat_templates"));
        Files.writeString(dir.resolve("additional_chat_templates/default.jinja"), "extra");
        assertEquals("extra", ChatTemplateFiles.load(dir, new JsonObject(), FIXED_NOW).orElseThrow().render(List.of(), false));
    }
}
