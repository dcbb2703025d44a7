package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.Autograd;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.NativeArrays;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.tokenizer.TextTokenizer;

/**
 * The chunked loss ({@link TrainingPass}: logits of a few rows at a time, back-propagated into a
 * cut) and activation checkpointing (layers recomputed in backward) give the loss and the
 * gradients of the plain computation: full logits of every position, log-softmax, masked
 * gather, one backward. Chunks are made small so that the batch spans several, the last one
 * partial; LoRA dropout is on, so a recomputed layer must redraw its first masks.
 */
class ChunkedLossAndCheckpointingTest {

    @TempDir
    static Path dir;
    static Path untied;
    static Path tied;
    static List<EncodedExample> data;

    @BeforeAll
    static void setUp() throws Exception {
        untied = new TinyCheckpoint().seed(5).layers(3).write(dir.resolve("untied"));
        tied = new TinyCheckpoint().seed(6).layers(3).tieEmbeddings(true).write(dir.resolve("tied"));
        try (TextTokenizer tok = TextTokenizer.load(untied)) {
            // three rows of different lengths: padding, and targets spread over rows
            data = EncodedExample.encode(TrainingFixtures.rows().subList(0, 3), new PromptEncoder(tok, TrainingFixtures.PROMPT),
                    tok.tokenId(TinyCheckpoint.IM_END).orElseThrow(), 64);
        }
    }

    /** The loss as computed before chunking: full float32 logits of every position, masked. */
    private static NDArray referenceLoss(CausalLM model, LossFunction.Batch batch) {
        try (NDScope scope = new NDScope()) {
            NDArray logits = model.forward(batch.ids(), batch.positions(), batch.keyMask(), null, false);
            NDScope.register(logits);
            long t = logits.getShape().get(1);
            NDArray picked = logits.get(":, :" + (t - 1) + ", :").logSoftmax(-1).gather(batch.targets(), 2).squeeze(2);
            NDArray loss = picked.mul(batch.targetMask()).sum().neg();
            NDScope.unregister(loss);
            scope.suppressNotUsedWarning();
            return loss;
        }
    }

    private record Outcome(double loss, Map<String, float[]> grads) {
    }

    /** Runs one way of computing loss and gradients, then reads and zeroes the gradients. */
    private static Outcome gradients(CausalLM model, Map<String, NDArray> params, LossFunction fn, LoraAdapter adapter,
            String way) {
        double loss;
        try (NDManager m = model.manager().newSubManager()) {
            LossFunction.Batch batch = fn.batch(data, m);
            double scale = 1.0 / batch.targetTokens();
            if (adapter != null && !way.endsWith("without dropout")) {
                adapter.startTrainingPass(77);
            }
            try (Autograd.Scope recording = Autograd.recording()) {
                if (way.startsWith("reference")) {
                    NDArray summed = referenceLoss(model, batch);
                    summed.attach(m);
                    loss = summed.getFloat();
                    Autograd.backward(NativeArrays.times(summed, scale));
                } else {
                    loss = new TrainingPass(model, fn, adapter).run(batch, scale, way.equals("checkpointed"));
                }
            }
            if (adapter != null) {
                adapter.stopTraining();
            }
        }
        Map<String, float[]> grads = new LinkedHashMap<>();
        try (Autograd.Scope off = Autograd.inference()) {
            params.forEach((k, p) -> {
                try (NDArray g = p.getGradient()) {
                    grads.put(k, g.toFloatArray());
                    g.muli(0);
                }
            });
        }
        return new Outcome(loss, grads);
    }

    private static void assertSameGradients(Outcome expected, Outcome actual, String what, double tolerance) {
        assertEquals(expected.loss(), actual.loss(), Math.max(1e-4, tolerance) * Math.abs(expected.loss()), what + ": loss");
        expected.grads().forEach((k, e) -> {
            float[] a = actual.grads().get(k);
            double scale = 0;
            for (float v : e) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], tolerance * scale + 1e-8, what + ": d/d " + k + "[" + i + "]");
            }
        });
    }

    /** Rows per chunk that do not divide the target count: the last chunk is partial. */
    private static LossFunction chunkedLoss(CausalLM model) {
        long n = data.stream().mapToLong(EncodedExample::targetLength).sum();
        long rows = 4;
        while (n % rows == 0) {
            rows++;
        }
        assertTrue(n > 2 * rows, "several chunks");
        return new LossFunction(model, 0, rows * model.config().vocabSize());
    }

    @Test
    void loraGradientsWithDropoutMatchThePlainLossChunkedAndCheckpointed() throws Exception {
        loraGradientsMatch("auto", 1e-5);
    }

    /** Frozen weights in half precision, LoRA arrays in float32: nothing in the cut passes assumes float32. */
    @Test
    void loraGradientsMatchWithHalfPrecisionWeights() throws Exception {
        loraGradientsMatch("float16", 2e-3);
    }

    private static void loraGradientsMatch(String dtype, double tolerance) throws Exception {
        try (CausalLM model = CausalLM.load(untied, new ModelOptions("cpu", dtype));
                LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR).withDropout(0.3), false, 2)) {
            Map<String, NDArray> params = adapter.parameters();
            try (Autograd.Scope off = Autograd.inference()) {
                // B starts at zero; give it values so that every array's gradient is non-trivial
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    NDArray p = e.getValue();
                    float[] v = new float[(int) p.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) Math.sin(i * 0.37 + e.getKey().length());
                    }
                    NativeArrays.assign(p, v);
                }
                params.values().forEach(p -> p.setRequiresGradient(true));
                adapter.attach(model);
                LossFunction fn = chunkedLoss(model);
                Outcome reference = gradients(model, params, fn, adapter, "reference");
                Outcome chunked = gradients(model, params, fn, adapter, "chunked");
                Outcome checkpointed = gradients(model, params, fn, adapter, "checkpointed");
                assertSameGradients(reference, chunked, "chunked loss", tolerance);
                assertSameGradients(reference, checkpointed, "chunked loss with checkpointing", tolerance);

                // the comparison sees dropout: without it the gradients differ
                Outcome noDropout = gradients(model, params, fn, adapter, "reference without dropout");
                String key = params.keySet().iterator().next();
                assertTrue(maxDifference(reference.grads().get(key), noDropout.grads().get(key)) > 1e-3,
                        "dropout changes the gradients");
                params.values().forEach(p -> p.setRequiresGradient(false));
            }
        }
    }

    private static double maxDifference(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /** Full training: every weight, and the tied embedding gets both the head's and the lookup's gradient. */
    @Test
    void wholeModelGradientsWithATiedHeadMatchThePlainLoss() throws Exception {
        try (CausalLM model = CausalLM.loadWritable(tied, new ModelOptions("cpu", "auto"))) {
            Map<String, NDArray> params = model.trainableLeaves();
            assertTrue(params.containsKey("model.embed_tokens.weight") && !params.containsKey("lm_head.weight"), "tied");
            try (Autograd.Scope off = Autograd.inference()) {
                params.values().forEach(p -> p.setRequiresGradient(true));
                LossFunction fn = chunkedLoss(model);
                Outcome reference = gradients(model, params, fn, null, "reference");
                Outcome chunked = gradients(model, params, fn, null, "chunked");
                Outcome checkpointed = gradients(model, params, fn, null, "checkpointed");
                assertSameGradients(reference, chunked, "chunked loss", 1e-5);
                assertSameGradients(reference, checkpointed, "chunked loss with checkpointing", 1e-5);
                params.values().forEach(p -> p.setRequiresGradient(false));
            }
        }
    }

    /** Validation's loss value (no recording): the chunked sum equals the plain one. */
    @Test
    void summedLossMatchesThePlainLoss() throws Exception {
        try (CausalLM model = CausalLM.load(untied, new ModelOptions("cpu", "auto"));
                Autograd.Scope off = Autograd.inference();
                NDManager m = model.manager().newSubManager()) {
            LossFunction fn = chunkedLoss(model);
            LossFunction.Batch batch = fn.batch(data, m);
            NDArray chunked = fn.summedLoss(batch);
            chunked.attach(m);
            NDArray plain = referenceLoss(model, batch);
            plain.attach(m);
            assertEquals(plain.getFloat(), chunked.getFloat(), 1e-4 * Math.abs(plain.getFloat()));
        }
    }
}
