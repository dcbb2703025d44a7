package org.loralab.engine.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each importance prunes by its own score. The values are chosen so that |θ|, |θ − θ_start| and
 * |θ · g| rank the entries differently: a criterion that ignored its input would prune others.
 */
class PrunerImportanceTest {

    private static final String A = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";

    private static float[] pruneHalf(PruneSettings.Importance importance, float[] start, float[] now, float[] grad) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put(A, m.create(start));
            Pruner pruner = new Pruner(new PruneSettings(importance, PruneSettings.Granularity.ELEMENT,
                    PruneSettings.Schedule.ONE_SHOT, 0.5), params, Map.of(A, 1));
            params.get(A).set(now);
            pruner.afterStep(1, 1, params, Map.of(A, m.create(grad)));
            return params.get(A).toFloatArray();
        }
    }

    private static final float[] START = {1, 2, 0, 4};
    private static final float[] NOW = {1.5f, 2, 3, 4.1f};
    private static final float[] GRAD = {4, 0.1f, 1, 0.01f};

    @Test
    void saliencyUsesTheGradient() {
        // |θ·g| = 6, 0.2, 3, 0.041: entries 1 and 3 go, though 3 has the largest magnitude.
        assertArrayEquals(new float[] {1.5f, 0, 3, 0}, pruneHalf(PruneSettings.Importance.SALIENCY, START, NOW, GRAD));
    }

    @Test
    void magnitudeUsesTheValues() {
        assertArrayEquals(new float[] {0, 0, 3, 4.1f}, pruneHalf(PruneSettings.Importance.MAGNITUDE, START, NOW, GRAD));
    }

    @Test
    void updateUsesTheMovementSinceTheStart() {
        // |θ − θ_start| = 0.5, 0, 3, 0.1
        assertArrayEquals(new float[] {1.5f, 0, 3, 0}, pruneHalf(PruneSettings.Importance.UPDATE, START, NOW, GRAD));
    }
}
