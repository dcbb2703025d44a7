package org.loralab.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.Autograd;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

/** The KV cache grows with the output instead of being sized for max_new_tokens up front. */
class DecodeSessionTest {

    /** Past the first capacity, so the cache grows once. */
    private static final int STEPS = DecodeSession.INITIAL_NEW_POSITIONS + 8;

    @TempDir
    Path dir;

    @Test
    void theCacheStartsSmallAndGrowsWithTheOutput() throws Exception {
        new TinyCheckpoint().seed(3).write(dir);
        List<long[]> prompts = List.of(new long[] {72, 101, 108, 108, 111}, new long[] {87, 111});
        try (CausalLM model = CausalLM.load(dir, new ModelOptions("cpu", "float32"));
                Autograd.Scope inference = Autograd.inference()) {
            long[] greedy;
            try (DecodeSession session = new DecodeSession(model, prompts, 0, 65_536)) {
                NDArray logits = session.prefill();
                long first = session.cacheCapacity();
                assertTrue(first <= 5 + DecodeSession.INITIAL_NEW_POSITIONS, "cache of " + first + " positions for a 5-token prompt");
                long[] last = null;
                for (int step = 0; step < STEPS; step++) {
                    last = logits.argMax(1).toLongArray();
                    logits.close();
                    logits = session.step(last);
                }
                logits.close();
                assertTrue(session.cacheCapacity() >= 5 + STEPS);
                assertTrue(session.cacheCapacity() <= 2 * (5 + DecodeSession.INITIAL_NEW_POSITIONS), "grows by doubling");
                greedy = last;
            }
            // Decoding through the growth gives what the generator gives (no EOS set: every step counts).
            List<long[]> out = new Generator(model).generate(prompts, GenerationConfig.greedy().maxNewTokens(STEPS));
            assertEquals(2, out.size());
            assertArrayEquals(new long[] {out.get(0)[out.get(0).length - 1], out.get(1)[out.get(1).length - 1]}, greedy);
        }
    }
}
