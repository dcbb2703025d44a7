package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.LoraModule;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.tokenizer.TextTokenizer;

class EncodingAndGradientTest {

    @TempDir
    static Path dir;
    static Path modelDir;
    static TextTokenizer tokenizer;

    @BeforeAll
    static void setUp() throws Exception {
        modelDir = new TinyCheckpoint().seed(8).write(dir.resolve("m"));
        tokenizer = TextTokenizer.load(modelDir);
    }

    @AfterAll
    static void tearDown() {
        tokenizer.close();
    }

    @Test
    void theDocumentIsTruncatedAndTheSummaryKeptWhole() {
        PromptEncoder enc = new PromptEncoder(tokenizer, new PromptFormat("Doc: {document}\nSummary:", "", false));
        String doc = "0123456789".repeat(10); // 100 byte tokens
        List<EncodedExample> e = EncodedExample.encode(List.of(new TrainingExample(0, doc, "short one")), enc, 258, 60);
        EncodedExample x = e.get(0);
        assertEquals(60, x.ids().length);
        assertEquals(" short one".length() + 1, x.targetLength()); // byte tokens plus EOS
        assertEquals(258, x.ids()[x.ids().length - 1]);
        String prompt = tokenizer.decode(java.util.Arrays.copyOf(x.ids(), x.promptLength()), false);
        assertTrue(prompt.startsWith("Doc: 0123") && prompt.endsWith("\nSummary:"), prompt);
        assertEquals(100 - x.droppedDocumentTokens(), prompt.length() - "Doc: \nSummary:".length());
    }

    @Test
    void aSummaryTooLongForTheBudgetNamesItsRow() {
        PromptEncoder enc = new PromptEncoder(tokenizer, new PromptFormat("Doc: {document}\nSummary:", "", false));
        IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EncodedExample.encode(List.of(new TrainingExample(41, "doc", "x".repeat(80))), enc, 258, 60));
        assertTrue(ex.getMessage().startsWith("row 41: the summary is 82 tokens"), ex.getMessage());
    }

    @Test
    void languageHintAndChatTemplate() {
        PromptFormat f = PromptFormat.defaults().withLanguage("Japanese");
        assertTrue(f.fill("本文").startsWith("Summarize the following document in Japanese."));
        PromptEncoder chat = new PromptEncoder(tokenizer, new PromptFormat("{document}", "", true));
        assertEquals("<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n", chat.promptText("hello"));
    }

    /** Autograd's dL/dB against a central finite difference of the same loss, in double-checked float32. */
    @Test
    void gradientsMatchFiniteDifferences() throws Exception {
        try (CausalLM model = CausalLM.load(modelDir, new ModelOptions("cpu", "auto"));
                LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.of(2, 4, List.of("v_proj")), false, 3)) {
            adapter.attach(model);
            PromptEncoder enc = new PromptEncoder(tokenizer, new PromptFormat("{document} =", "", false));
            List<EncodedExample> data = EncodedExample.encode(List.of(new TrainingExample(0, "abc", "xyz")), enc, 258, 32);
            LossFunction lossFn = new LossFunction(model, 256);
            LoraModule mod = adapter.modules().values().iterator().next();
            NDArray b = mod.b();
            b.setRequiresGradient(true);
            float[] grad;
            try (NDManager m = model.manager().newSubManager()) {
                LossFunction.Batch batch = lossFn.batch(data, m);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = lossFn.summedLoss(batch);
                    loss.attach(m);
                    gc.backward(loss);
                }
                try (NDArray g = b.getGradient()) {
                    grad = g.toFloatArray();
                }
                b.setRequiresGradient(false);
                float[] values = b.toFloatArray();
                for (int idx : new int[] {0, 7, 33, 63}) {
                    double h = 1e-2;
                    values[idx] += h;
                    b.set(values);
                    double up = lossValue(lossFn, batch, m);
                    values[idx] -= 2 * h;
                    b.set(values);
                    double down = lossValue(lossFn, batch, m);
                    values[idx] += h;
                    b.set(values);
                    double numeric = (up - down) / (2 * h);
                    assertEquals(numeric, grad[idx], 2e-3 + 2e-2 * Math.abs(numeric), "dL/dB[" + idx + "]");
                }
            }
            assertTrue(java.util.Arrays.stream(new double[] {grad[0], grad[7], grad[33]}).anyMatch(v -> Math.abs(v) > 1e-4));
        }
    }

    /**
     * Regression: DJL's mul(Number) borrows a Java buffer that autograd keeps for backward; once
     * collected, the memory fed the gradients. Garbage collection and buffer churn between forward
     * and backward must not change any gradient.
     */
    @Test
    void gradientsSurviveGarbageCollectionBetweenForwardAndBackward() throws Exception {
        try (CausalLM model = CausalLM.load(modelDir, new ModelOptions("cpu", "auto"));
                LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.of(2, 4, LoraConfig.ALL_LINEAR), false, 3)) {
            adapter.attach(model);
            PromptEncoder enc = new PromptEncoder(tokenizer, new PromptFormat("{document} =", "", false));
            List<EncodedExample> data = EncodedExample.encode(List.of(new TrainingExample(0, "abc def", "xyz"),
                    new TrainingExample(1, "a", "b")), enc, 258, 32);
            LossFunction lossFn = new LossFunction(model, 256);
            float[][] grads = new float[2][];
            for (int run = 0; run < 2; run++) {
                adapter.parameters().values().forEach(p -> p.setRequiresGradient(true));
                try (NDManager m = model.manager().newSubManager()) {
                    LossFunction.Batch batch = lossFn.batch(data, m);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = lossFn.summedLoss(batch);
                        loss.attach(m);
                        if (run == 1) {
                            for (int i = 0; i < 3; i++) {
                                System.gc();
                                Thread.sleep(20);
                                for (int k = 0; k < 2000; k++) {
                                    java.nio.ByteBuffer.allocateDirect(4).putFloat(0, Float.NaN);
                                }
                            }
                        }
                        gc.backward(loss);
                    }
                    NDArray b = adapter.modules().values().iterator().next().b();
                    try (NDArray g = b.getGradient()) {
                        grads[run] = g.toFloatArray();
                        g.muli(0);
                    }
                }
                adapter.parameters().values().forEach(p -> p.setRequiresGradient(false));
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(grads[0], grads[1]);
        }
    }

    private static double lossValue(LossFunction fn, LossFunction.Batch batch, NDManager m) {
        NDArray l = fn.summedLoss(batch);
        l.attach(m);
        return l.getFloat();
    }
}
