package org.loralab.engine.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.prompt.PromptFormat;

/** Summarize uses the chat template arguments an adapter was trained with unless told others. */
class RecordedTemplateArgsTest {

    @TempDir
    Path dir;

    private SummarizeOptions options(Path adapter, PromptFormat prompt) {
        return new SummarizeOptions(dir.resolve("model"), adapter, false, prompt, 100, 1, new ModelOptions("cpu", "auto"));
    }

    @Test
    void theAdaptersRecordedArgumentsApplyWhenNoneAreGiven() throws Exception {
        Path adapter = Files.createDirectories(dir.resolve("adapter"));
        AdapterMetadata meta = AdapterMetadata.create("lora");
        meta.settings = new JsonObject();
        // as TrainLoraJob records the prompt
        meta.settings.add("prompt", new Gson().toJsonTree(new PromptFormat("{document}", "", true, Map.of("enable_thinking", false))));
        meta.save(adapter);
        PromptFormat asked = new PromptFormat("{document}", "", true);
        assertEquals(Map.of("enable_thinking", false), Summarizer.promptFormat(options(adapter, asked)).templateArgs());
        Map<String, Object> own = Map.of("enable_thinking", true);
        assertEquals(own, Summarizer.promptFormat(options(adapter, asked.withTemplateArgs(own))).templateArgs(), "given arguments win");
        assertEquals(Map.of(), Summarizer.promptFormat(options(null, asked)).templateArgs());
        Path peftOnly = Files.createDirectories(dir.resolve("peft-only")); // no loralab.json
        assertEquals(Map.of(), Summarizer.promptFormat(options(peftOnly, asked)).templateArgs());
    }
}
