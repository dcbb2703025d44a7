package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A long prefill attends in query blocks (bounded float32 scores) with the same result as all at once. */
class AttentionChunkTest {

    @TempDir
    Path dir;

    @Test
    void queryBlocksGiveTheSameLogitsAsOnePass() throws Exception {
        Path ckpt = new TinyCheckpoint().architecture(Architecture.QWEN3).seed(12).write(dir);
        long b = 2;
        long t = 11;
        long[] ids = new long[(int) (b * t)];
        long[] mask = new long[ids.length];
        long[] pos = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 37 + 5) % TinyCheckpoint.VOCAB_SIZE;
            long col = i % t;
            boolean pad = i < t && col < 3; // row 0 left-padded by 3
            mask[i] = pad ? 0 : 1;
            pos[i] = pad ? 1 : (i < t ? col - 3 : col);
        }
        long saved = DecoderLayer.scoreBudgetBytes;
        try (CausalLM model = CausalLM.load(ckpt, new ModelOptions("cpu", "float32"));
                NDManager m = model.manager().newSubManager();
                Autograd.Scope inference = Autograd.inference()) {
            float[] whole = logits(model, m, ids, mask, pos, b, t);
            // 4 heads x 11 keys x 4 bytes x 2 rows = 352 bytes per query: a budget of 1,100 bytes gives blocks of 3.
            DecoderLayer.scoreBudgetBytes = 1_100;
            assertEquals(3, DecoderLayer.queryChunk(b, model.config().numHeads(), t, t));
            float[] blocked = logits(model, m, ids, mask, pos, b, t);
            double worst = 0;
            for (int i = 0; i < whole.length; i++) {
                worst = Math.max(worst, Math.abs(whole[i] - blocked[i]));
            }
            assertTrue(worst < 1e-5, "max |blocked - whole| " + worst);
        } finally {
            DecoderLayer.scoreBudgetBytes = saved;
        }
    }

    private static float[] logits(CausalLM model, NDManager m, long[] ids, long[] mask, long[] pos, long b, long t) {
        return model.forward(m.create(ids).reshape(b, t), m.create(pos).reshape(b, t), m.create(mask).reshape(b, t), null, false)
                .toFloatArray();
    }
}
