package org.loralab.engine.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.params.SummarizeParams;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.Tables;

/** The KNIME node's path (jobs.Summarize) with per-row adapters: an invalid adapter of the table fails only its rows. */
class SummarizeJobAdaptersTest {

    @TempDir
    Path tmp;

    @Test
    void anInvalidAdapterFailsOnlyTheRowsNamingIt() throws Exception {
        Path base = new TinyCheckpoint().seed(2).write(tmp.resolve("base"));
        Path good = tmp.resolve("bank").resolve("good");
        Path bad = tmp.resolve("bank").resolve("bad");
        try (CausalLM m = CausalLM.load(base, new ModelOptions("cpu", "auto"))) {
            for (Path p : List.of(good, bad)) {
                try (LoraAdapter a = LoraAdapter.create(m, LoraConfig.of(2, 4, List.of("q_proj")), false, 1)) {
                    AdapterWriter.write(a, null, p, false);
                }
            }
        }
        Path cfg = bad.resolve(LoraConfig.FILE);
        Files.writeString(cfg, Files.readString(cfg).replaceAll("(?s)\"target_modules\": \\[.*?\\]", "\"target_modules\": [\"c_attn\"]"));
        Map<String, Object> values = new HashMap<>(SummarizeParams.SCHEMA.values(SummarizeParams.defaults()));
        values.put("max_new_tokens", 3);
        SummarizeParams p = SummarizeParams.SCHEMA.fromValues(values);
        Summarize.Adapters adapters = Summarize.Adapters.of(p, List.of("good", "bad"), List.of(good.toString(), bad.toString()));
        List<String> names = Arrays.asList("good", "bad", null);
        try (Summarize.Session s = Summarize.open(p, base, null, adapters)) {
            assertTrue(s.rowAdapters().endsWith("; left out as not usable (their rows fail): bad"), s.rowAdapters());
            s.checkGeneration(p);
            try (Summarize.Chunk c = s.summarize(List.of("Rain in Osaka.", "Snow in Sapporo.", "Sun in Naha."), names, 10, 13,
                    ProgressListener.NONE)) {
                assertEquals(1, c.failed());
                List<String> errors = Tables.strings(c.columns(), Summarize.ERROR_COLUMN);
                assertNull(errors.get(0));
                assertTrue(errors.get(1).startsWith("row 11: adapter 'bad' is not usable: " + bad + ": target_modules [c_attn]"),
                        errors.get(1));
                assertNull(errors.get(2));
            }
        }
    }
}
