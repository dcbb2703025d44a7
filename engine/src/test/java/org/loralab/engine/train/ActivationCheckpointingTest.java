package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.loralab.engine.model.Architecture;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.TinyCheckpoint;

class ActivationCheckpointingTest {

    private static final ModelConfig QWEN_05B = ModelConfig.parse(new TinyCheckpoint().architecture(Architecture.QWEN2)
            .vocabSize(151936).hiddenSize(896).layers(24).heads(14, 2).intermediateSize(4864).tieEmbeddings(true).config());
    private static final ModelConfig TINY = ModelConfig.parse(new TinyCheckpoint().config());

    /** AUTO recomputes where the kept activations would pass 1 GiB: Qwen2.5-0.5B at 1x512 (~2.2 GB), not at 1x256 nor a tiny model. */
    @Test
    void autoIsOnForRealShapesAndOffForSmallOnes() {
        assertTrue(ActivationCheckpointing.AUTO.appliesTo(QWEN_05B, 1, 512, 4));
        assertTrue(ActivationCheckpointing.AUTO.appliesTo(QWEN_05B, 4, 512, 2));
        assertFalse(ActivationCheckpointing.AUTO.appliesTo(QWEN_05B, 1, 256, 4));
        assertFalse(ActivationCheckpointing.AUTO.appliesTo(TINY, 8, 512, 4));
        assertTrue(ActivationCheckpointing.ON.appliesTo(TINY, 1, 8, 4));
        assertFalse(ActivationCheckpointing.OFF.appliesTo(QWEN_05B, 4, 1024, 4));
    }

    @Test
    void theSystemPropertySetsTheDefaultAndABadValueIsNamed() {
        String before = System.getProperty("loralab.activationCheckpointing");
        try {
            System.clearProperty("loralab.activationCheckpointing");
            assertEquals(ActivationCheckpointing.AUTO, ActivationCheckpointing.fromSystemProperty());
            System.setProperty("loralab.activationCheckpointing", "On");
            assertEquals(ActivationCheckpointing.ON, ActivationCheckpointing.fromSystemProperty());
            System.setProperty("loralab.activationCheckpointing", "sometimes");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ActivationCheckpointing::fromSystemProperty);
            assertTrue(e.getMessage().contains("'sometimes'"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("loralab.activationCheckpointing");
            } else {
                System.setProperty("loralab.activationCheckpointing", before);
            }
        }
    }
}
