package org.loralab.engine.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.Architecture;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

/**
 * Merging adds into the weights in place, as PEFT does: no array outlives the merge (no float32
 * copies kept until the run ends), and fused q/k/v and gate/up parts stay views of their stack.
 */
class MergeInPlaceTest {

    @TempDir
    Path dir;

    @Test
    void aMergeLeavesNoArrayBehindAndKeepsFusedPartsViewsOfTheirStack() throws Exception {
        for (String dtype : new String[] {"float32", "bfloat16"}) {
            Path base = new TinyCheckpoint().architecture(Architecture.QWEN2).seed(8).dtype(dtype).write(dir.resolve(dtype));
            try (CausalLM model = CausalLM.load(base, new ModelOptions("cpu", dtype));
                    LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR), false, 2)) {
                RandomB.fill(a, 1, 0.3);
                a.attach(model);
                float[] unmerged = LoraAdapterTest.logits(model);
                a.detach(model);
                int before = model.manager().getManagedArrays().size();
                a.mergeInto(model);
                int after = model.manager().getManagedArrays().size();
                assertEquals(before, after, dtype + ": arrays alive before and after the merge");

                // The merged q rows of the stack are the q part's weight: still one array, seen twice.
                Map<String, NDArray> leaves = model.trainableLeaves();
                NDArray stack = leaves.get("model.layers.0.self_attn.qkv_proj.weight");
                NDArray q = model.layers().get(0).linearLayers()[0].weight();
                long rows = q.getShape().get(0);
                try (NDArray qRows = stack.get("0:" + rows); NDArray stackF = qRows.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
                        NDArray qF = q.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)) {
                    assertEquals(0f, LoraAdapterTest.maxAbsDiff(stackF.toFloatArray(), qF.toFloatArray()), dtype + ": the stack holds the merge");
                }
                float[] merged = LoraAdapterTest.logits(model);
                double tolerance = dtype.equals("float32") ? 1e-4 : 0.05;
                assertTrue(LoraAdapterTest.maxAbsDiff(unmerged, merged) < tolerance,
                        dtype + ": merged vs unmerged " + LoraAdapterTest.maxAbsDiff(unmerged, merged));
            }
        }
    }
}
