package org.loralab.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.params.BankParams;
import org.loralab.engine.params.MergeParams;
import org.loralab.engine.params.ParamSchema;
import org.loralab.engine.params.RougeParams;
import org.loralab.engine.params.SummarizeParams;
import org.loralab.engine.params.TrainParams;
import org.loralab.engine.rouge.Language;
import org.loralab.engine.train.LrSchedule;
import org.w3c.dom.Element;

/**
 * Node settings saved by KNIME 5.5.3 with the nodes of release 0.1.0, before the parameter schema
 * (src/test/resources/saved-by-0.1.0: the scheduled and parallel test workflows, loaded and saved
 * again by KNIME with those nodes), load through today's parameter records with the same values.
 */
class SavedSettingsTest {

    private static final Path DIR = Repo.ROOT.resolve("extension-tests/src/test/resources/saved-by-0.1.0");

    private static <R extends Record> R load(String file, ParamSchema<R> schema) {
        Path p = DIR.resolve(file);
        Element model = Repo.children(Repo.xml(p).getDocumentElement(), "config").stream()
                .filter(c -> "model".equals(c.getAttribute("key"))).findFirst().orElseThrow();
        return SavedSettings.assertLoadsWithTheSameValues(p, schema, model);
    }

    @Test
    void trainLoraLoadsAsSaved() {
        TrainParams t = load("train.xml", TrainParams.SCHEMA);
        assertEquals(3, t.epochs());
        assertEquals(0.003, t.learningRate());
        assertEquals(8, t.batchSize());
        assertEquals(LrSchedule.LINEAR, t.schedule());
        assertEquals(0.1, t.warmupRatio());
        assertEquals(384, t.maxLength());
        assertEquals(7, t.seed());
        assertEquals("knime://knime.workflow/data/scheduled/default", t.output().folder());
        assertTrue(t.output().overwrite());
        assertEquals("{document}\nSummary:", t.prompt().template());
        assertEquals(List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"), t.targetList());
        assertEquals("weather", t.domain());
    }

    @Test
    void summarizeLoadsAsSavedAndSettingsWithoutTheLaterOptionsGetTheirRule() {
        SummarizeParams s = load("summarize.xml", SummarizeParams.SCHEMA);
        assertEquals(48, s.maxNewTokens());
        assertEquals(4, s.batchSize());
        assertEquals("", s.baseModel());
        // saved before "Use the adapter's prompt" existed, with a changed template: the node's own prompt, as then
        assertFalse(s.promptFromAdapter());
        assertEquals(0.0, s.repetitionPenalty(), "added later: the model's default");
    }

    @Test
    void rougeBankAndMergeLoadAsSaved() {
        RougeParams r = load("rouge.xml", RougeParams.SCHEMA);
        assertEquals(Language.ENGLISH, r.options().language());
        assertEquals(List.of("reference"), r.referenceColumns());
        assertEquals(4, r.types().size());
        BankParams b = load("bank.xml", BankParams.SCHEMA);
        assertTrue(b.onlyUsable());
        assertEquals("demo", b.baseModel());
        MergeParams m = load("merge.xml", MergeParams.SCHEMA);
        assertEquals(MergeMethod.LINEAR, m.method());
        assertEquals(1, m.epochs(), "the saved value, not today's default");
        assertTrue(m.output().keepInWorkflow());
        assertEquals(null, m.weightList());
    }
}
