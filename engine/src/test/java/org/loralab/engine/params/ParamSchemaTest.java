package org.loralab.engine.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.train.LrSchedule;

/** Saved values to records and back: defaults for absent keys, checked bounds and choices, the record's own rules. */
class ParamSchemaTest {

    @Test
    void savedValuesBecomeTheRecordAndComeBackUnchanged() {
        Map<String, Object> saved = new HashMap<>(TrainParams.SCHEMA.values(TrainParams.defaults()));
        saved.put("lr_schedule", "cosine");
        saved.put("learning_rate", 0.003);
        saved.put("seed", 7L);
        saved.put("prompt_template", "{document}\nSummary:");
        TrainParams p = TrainParams.SCHEMA.fromValues(saved);
        assertEquals(LrSchedule.COSINE, p.schedule());
        assertEquals(0.003, p.training().learningRate());
        assertEquals(7, p.training().seed());
        assertEquals("{document}\nSummary:", p.prompt().format().template());
        assertEquals(saved, TrainParams.SCHEMA.values(p));
    }

    @Test
    void aValueOutsideItsBoundsOrChoicesIsRefusedNamingTheSetting() {
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> TrainParams.SCHEMA.fromValues(Map.of("rank", 0)));
        assertTrue(rank.getMessage().contains("rank") && rank.getMessage().contains("[1, 4096]"), rank.getMessage());
        IllegalArgumentException method = assertThrows(IllegalArgumentException.class,
                () -> MergeParams.SCHEMA.fromValues(Map.of("method", "average")));
        assertTrue(method.getMessage().contains("setting method") && method.getMessage().contains("dare_ties"), method.getMessage());
        assertEquals(MergeMethod.DARE_TIES, MergeParams.SCHEMA.fromValues(Map.of("method", "dare-ties")).method());
    }

    @Test
    void theRecordsOwnRulesApply() {
        assertThrows(IllegalArgumentException.class, () -> TrainParams.SCHEMA.fromValues(Map.of("target_modules", " ")));
        assertThrows(IllegalArgumentException.class, () -> TrainParams.SCHEMA.fromValues(Map.of("prompt_template", "no placeholder")));
        assertThrows(IllegalArgumentException.class, () -> TrainParams.SCHEMA.fromValues(Map.of("device", "tpu")));
        assertThrows(IllegalArgumentException.class, () -> MergeParams.SCHEMA.fromValues(Map.of("method", "description")));
        assertThrows(IllegalArgumentException.class, () -> RougeParams.SCHEMA.fromValues(
                Map.of("rouge1", false, "rouge2", false, "rougeL", false, "rougeLsum", false)));
    }

    /** Settings saved before "Use the adapter's prompt" existed: the adapter's prompt unless the node's had been changed. */
    @Test
    void aParameterAddedLaterResolvesFromTheOthersWhenAbsent() {
        assertTrue(SummarizeParams.SCHEMA.fromValues(Map.of()).promptFromAdapter());
        assertFalse(SummarizeParams.SCHEMA.fromValues(Map.of("prompt_language", "Japanese")).promptFromAdapter());
        assertFalse(SummarizeParams.SCHEMA.fromValues(Map.of("prompt_language", "Japanese", "prompt_from_adapter", false))
                .promptFromAdapter());
        assertTrue(SummarizeParams.SCHEMA.fromValues(Map.of("prompt_chat", true, "prompt_from_adapter", true)).promptFromAdapter());
        assertTrue(SummarizeParams.SCHEMA.param("prompt_from_adapter").addedLater());
        assertTrue(SummarizeParams.defaults().promptFromAdapter());
    }

    @Test
    void aKeyIsDeclaredOnceAndEveryParameterIsDescribed() {
        for (ParamSchema<?> s : new ParamSchema<?>[] {TrainParams.SCHEMA, MergeParams.SCHEMA, SummarizeParams.SCHEMA, RougeParams.SCHEMA,
            BankParams.SCHEMA}) {
            for (ParamSpec p : s.params()) {
                assertFalse(p.label().isBlank() || p.help().isBlank(), s.type().getSimpleName() + "." + p.key());
                assertTrue(p.help().endsWith("."), s.type().getSimpleName() + "." + p.key() + ": help is a sentence");
            }
        }
    }
}
