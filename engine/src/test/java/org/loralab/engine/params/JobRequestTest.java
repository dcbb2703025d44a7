package org.loralab.engine.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.train.TrainLoraJob;
import org.junit.jupiter.api.Test;

/** Job requests are built by name: the params fill every component, and a missing required one is refused by name. */
class JobRequestTest {

    private static final Path BASE = Path.of("base");
    private static final Path OUT = Path.of("out");

    /** PEFT's "all-linear" as the target modules trains the seven projections (it matched no layer as a name). */
    @Test
    void allLinearTargetsTheSevenProjections() {
        TrainParams p = TrainParams.SCHEMA.fromValues(Map.of("target_modules", "All-Linear"));
        assertEquals(org.loralab.engine.lora.LoraConfig.ALL_LINEAR, p.lora().targetModules());
        assertEquals(List.of("q_proj", "v_proj"), TrainParams.SCHEMA.fromValues(Map.of("target_modules", "q_proj, v_proj")).lora().targetModules());
    }

    @Test
    void theTrainParamsFillEveryComponentOfTheRequest() {
        TrainParams p = TrainParams.defaults();
        TrainLoraJob.Spec s = p.spec(BASE, null, OUT, true, Path.of("ckpt"), Map.of());
        assertSame(BASE, s.baseModel());
        assertSame(OUT, s.output());
        assertTrue(s.overwrite());
        assertEquals(Path.of("ckpt"), s.checkpointDir());
        assertNull(s.initAdapter());
        assertEquals(p.training(), s.training());
        assertEquals(p.lora(), s.lora());
        assertEquals(p.prompt().format(Map.of()), s.prompt());
        // a copy through the builder keeps every component
        TrainLoraJob.Spec copy = s.toBuilder().build();
        assertEquals(List.of(s.baseModel(), s.lora(), s.taskFilter(), s.training(), s.prompt(), s.output(), s.overwrite(),
                s.checkpointDir(), s.resume(), s.device()), List.of(copy.baseModel(), copy.lora(), copy.taskFilter(), copy.training(),
                copy.prompt(), copy.output(), copy.overwrite(), copy.checkpointDir(), copy.resume(), copy.device()));
    }

    @Test
    void theMergeParamsFillEveryComponentOfTheRequest() {
        MergeParams p = MergeParams.defaults();
        MergeJob.Spec s = p.spec(BASE, List.of(Path.of("a"), Path.of("b")), OUT, false);
        assertEquals(p.topK(), s.topK());
        assertEquals(p.temperature(), s.temperature());
        assertEquals(p.loraHubBudget(), s.loraHubBudget());
        assertEquals(p.method(), s.method());
        assertEquals(p.exportModel(), s.exportModel());
        assertEquals(List.of(Path.of("a"), Path.of("b")), s.adapters());
    }

    @Test
    void aRequestMissingARequiredComponentIsRefusedByName() {
        TrainLoraJob.Spec.Builder train = TrainParams.defaults().spec(BASE, null, OUT, false, null, Map.of()).toBuilder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train.output(null).build());
        assertTrue(e.getMessage().contains("output"), e.getMessage());
        MergeJob.Spec.Builder merge = MergeJob.Spec.builder().baseModel(BASE).adapters(List.of()).output(OUT);
        e = assertThrows(IllegalArgumentException.class, merge::build);
        assertTrue(e.getMessage().contains("method"), e.getMessage());
    }
}
