package org.loralab.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.Architecture;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;

class GeneratorTest {

    @TempDir
    static Path dir;

    static CausalLM model;
    static Generator generator;

    static final List<long[]> PROMPTS = List.of(
            new long[] {72, 101, 108, 108, 111},
            new long[] {87, 111},
            new long[] {83, 117, 109, 109, 97, 114, 105, 122, 101, 58, 32},
            new long[] {200});

    @BeforeAll
    static void load() throws Exception {
        new TinyCheckpoint().architecture(Architecture.QWEN3).layers(2).seed(7).write(dir);
        model = CausalLM.load(dir, new ModelOptions("cpu", "auto"));
        generator = new Generator(model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static GenerationConfig greedy(int n) {
        return GenerationConfig.greedy().maxNewTokens(n);
    }

    @Test
    void greedyIsDeterministic() {
        List<long[]> a = generator.generate(PROMPTS, greedy(12));
        List<long[]> b = generator.generate(PROMPTS, greedy(12));
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertEquals(12, a.get(i).length, "no EOS configured, so every row runs to the limit");
            assertArrayEquals(a.get(i), b.get(i));
        }
    }

    @Test
    void batchedEqualsOneByOne() {
        List<long[]> batched = generator.generate(PROMPTS, greedy(10));
        for (int i = 0; i < PROMPTS.size(); i++) {
            List<long[]> alone = generator.generate(List.of(PROMPTS.get(i)), greedy(10));
            assertArrayEquals(alone.get(0), batched.get(i), "prompt " + i);
        }
    }

    @Test
    void greedyFollowsTheArgmaxOfAFullForwardPass() {
        long[] prompt = PROMPTS.get(0);
        long[] generated = generator.generate(List.of(prompt), greedy(4)).get(0);
        long[] sequence = prompt.clone();
        for (long expected : generated) {
            try (NDManager m = model.manager().newSubManager()) {
                int t = sequence.length;
                NDArray logits = model.forward(m.create(sequence).reshape(1, t), m.arange(0L, (long) t).reshape(1, t),
                        m.ones(new Shape(1, t), DataType.INT64), null, true);
                assertEquals(expected, logits.argMax(-1).toLongArray()[0]);
            }
            sequence = java.util.Arrays.copyOf(sequence, sequence.length + 1);
            sequence[sequence.length - 1] = expected;
        }
    }

    @Test
    void stopsAtEosAndDropsIt() {
        long[] free = generator.generate(List.of(PROMPTS.get(0)), greedy(8)).get(0);
        long stopToken = free[3];
        int firstStop = 0;
        while (free[firstStop] != stopToken) {
            firstStop++;
        }
        long[] stopped = generator.generate(List.of(PROMPTS.get(0)), greedy(8).eosTokenIds(List.of(stopToken))).get(0);
        assertArrayEquals(java.util.Arrays.copyOf(free, firstStop), stopped);
    }

    @Test
    void samplingIsSeededAndIndependentOfBatchSize() {
        GenerationConfig cfg = greedy(10).doSample(true).temperature(1.5).seed(123);
        List<long[]> a = generator.generate(PROMPTS, cfg);
        List<long[]> b = generator.generate(PROMPTS, cfg);
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i));
        }
        // The same prompt at the same index in a smaller batch draws the same tokens.
        List<long[]> firstTwo = generator.generate(PROMPTS.subList(0, 2), cfg);
        assertArrayEquals(a.get(0), firstTwo.get(0));
        assertArrayEquals(a.get(1), firstTwo.get(1));
        List<long[]> otherSeed = generator.generate(PROMPTS, greedy(10).doSample(true).temperature(1.5).seed(124));
        boolean differs = false;
        for (int i = 0; i < PROMPTS.size(); i++) {
            differs |= !java.util.Arrays.equals(a.get(i), otherSeed.get(i));
        }
        assertTrue(differs, "another seed should draw other tokens somewhere");
    }

    @Test
    void topKOfOneIsGreedy() {
        List<long[]> sampled = generator.generate(PROMPTS, greedy(8).doSample(true).topK(1).temperature(2.0));
        List<long[]> greedy = generator.generate(PROMPTS, greedy(8));
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertArrayEquals(greedy.get(i), sampled.get(i));
        }
    }

    @Test
    void beamSearchWithBeamsCoveringTheVocabularyIsExhaustive() {
        // With K >= vocabulary and 2 new tokens, beam search keeps every first token, so it must
        // find the most probable 2-token continuation; brute force over all pairs checks it.
        long[] prompt = PROMPTS.get(1);
        long[] expected = bruteForceBestOfTwo(prompt, -1);
        long[] beam = generator.generate(List.of(prompt), greedy(2).numBeams(TinyCheckpoint.VOCAB_SIZE).lengthPenalty(0.0)).get(0);
        assertArrayEquals(expected, beam);

        // Make the best pair's second token EOS: the winner is then "first token, EOS", returned without EOS.
        long eos = expected[1];
        long[] withEos = bruteForceBestOfTwo(prompt, eos);
        long[] beamEos = generator.generate(List.of(prompt),
                greedy(2).numBeams(TinyCheckpoint.VOCAB_SIZE).lengthPenalty(0.0).eosTokenIds(List.of(eos))).get(0);
        assertArrayEquals(withEos, beamEos);
    }

    /** The most probable continuation of at most two tokens; a sequence ends early at {@code eos} (-1: none). */
    private static long[] bruteForceBestOfTwo(long[] prompt, long eos) {
        int vocab = TinyCheckpoint.VOCAB_SIZE;
        float[] first = logProbs(List.of(prompt))[0];
        List<long[]> extended = new ArrayList<>();
        for (int tok = 0; tok < vocab; tok++) {
            long[] s = java.util.Arrays.copyOf(prompt, prompt.length + 1);
            s[prompt.length] = tok;
            extended.add(s);
        }
        float[][] second = logProbs(extended);
        double best = eos >= 0 ? first[(int) eos] : Double.NEGATIVE_INFINITY;
        long[] bestSeq = new long[0];
        for (int a = 0; a < vocab; a++) {
            if (a == eos) {
                continue;
            }
            for (int b = 0; b < vocab; b++) {
                double s = first[a] + second[a][b];
                if (s > best) {
                    best = s;
                    bestSeq = b == eos ? new long[] {a} : new long[] {a, b};
                }
            }
        }
        return bestSeq;
    }

    /** transformers' RepetitionPenaltyLogitsProcessor written out: each distinct token of the sequence, x<0 ? x*p : x/p. */
    private static float[] penalised(float[] scores, long[] sequence, double p) {
        float[] out = scores.clone();
        java.util.Set<Long> distinct = new java.util.HashSet<>();
        for (long t : sequence) {
            distinct.add(t);
        }
        for (long t : distinct) {
            float x = scores[(int) t];
            out[(int) t] = x < 0 ? x * (float) p : x / (float) p;
        }
        return out;
    }

    private static long argMaxOf(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void repetitionPenaltyChangesGreedyAsTransformersDoes() {
        // Expected: full forward passes, the penalty applied by hand over prompt + output so far, argmax.
        double p = 2.5;
        // A prompt holding the model's own greedy continuation: the tokens it would pick next are in the prompt.
        long[] own = generator.generate(List.of(PROMPTS.get(0)), greedy(8)).get(0);
        long[] echo = java.util.Arrays.copyOf(PROMPTS.get(0), PROMPTS.get(0).length + own.length);
        System.arraycopy(own, 0, echo, PROMPTS.get(0).length, own.length);
        List<long[]> prompts = new ArrayList<>(PROMPTS);
        prompts.add(echo);
        for (long[] prompt : prompts) {
            long[] sequence = prompt.clone();
            long[] expected = new long[10];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = argMaxOf(penalised(lastLogits(sequence), sequence, p));
                sequence = java.util.Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = expected[i];
            }
            assertArrayEquals(expected, generator.generate(List.of(prompt), greedy(10).repetitionPenalty(p)).get(0));
        }
        // batched rows keep their own sets (prompt + own output), so batching changes nothing
        List<long[]> batched = generator.generate(prompts, greedy(10).repetitionPenalty(p));
        boolean changed = false;
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(generator.generate(List.of(prompts.get(i)), greedy(10).repetitionPenalty(p)).get(0), batched.get(i));
            changed |= !java.util.Arrays.equals(batched.get(i), generator.generate(List.of(prompts.get(i)), greedy(10)).get(0));
        }
        assertTrue(changed, "a penalty of 2.5 should change some greedy output of this model");
        assertThrows(IllegalArgumentException.class, () -> generator.generate(PROMPTS, greedy(3).repetitionPenalty(0)));
    }

    @Test
    void beamSearchPenalisesLogProbabilitiesAsTransformersDoes() {
        // transformers' beam search runs the processors on log_softmax output: with K >= vocabulary and
        // 2 new tokens the result is the best pair under the penalised log-probabilities, found by brute
        // force. Penalising the logits before log_softmax (as greedy does) would pick another pair for
        // some penalty; the test looks for such a case so it tells the two apart.
        long[] own = generator.generate(List.of(PROMPTS.get(0)), greedy(2)).get(0);
        long[] prompt = java.util.Arrays.copyOf(PROMPTS.get(0), PROMPTS.get(0).length + own.length);
        System.arraycopy(own, 0, prompt, PROMPTS.get(0).length, own.length); // its likely next tokens are in the prompt
        int vocab = TinyCheckpoint.VOCAB_SIZE;
        float[] first = lastLogits(prompt);
        List<long[]> extended = new ArrayList<>();
        for (int tok = 0; tok < vocab; tok++) {
            long[] s = java.util.Arrays.copyOf(prompt, prompt.length + 1);
            s[prompt.length] = tok;
            extended.add(s);
        }
        float[][] second = new float[vocab][];
        for (int a = 0; a < vocab; a++) {
            second[a] = lastLogits(extended.get(a));
        }
        GenerationConfig beams = greedy(2).numBeams(vocab).lengthPenalty(0.0);
        long[] unpenalised = generator.generate(List.of(prompt), beams).get(0);
        boolean distinguished = false;
        for (double p : new double[] {1.05, 1.1, 1.2, 1.3, 1.5, 2.0, 3.0}) {
            long[] onLogProbs = bestPair(first, second, extended, prompt, p, true);
            long[] onLogits = bestPair(first, second, extended, prompt, p, false);
            assertArrayEquals(onLogProbs, generator.generate(List.of(prompt), beams.repetitionPenalty(p)).get(0), "penalty " + p);
            distinguished |= !java.util.Arrays.equals(onLogProbs, onLogits) && !java.util.Arrays.equals(onLogProbs, unpenalised);
        }
        assertTrue(distinguished, "some penalty should tell penalised log-probabilities from penalised logits and from none");
    }

    /** The best 2-token continuation by summed log-probability, penalised after (transformers) or before log_softmax. */
    private static long[] bestPair(float[] first, float[][] second, List<long[]> extended, long[] prompt, double p, boolean afterLogSoftmax) {
        float[] one = afterLogSoftmax ? penalised(logSoftmax(first), prompt, p) : logSoftmax(penalised(first, prompt, p));
        double best = Double.NEGATIVE_INFINITY;
        long[] pair = null;
        for (int a = 0; a < first.length; a++) {
            long[] seq = extended.get(a);
            float[] two = afterLogSoftmax ? penalised(logSoftmax(second[a]), seq, p) : logSoftmax(penalised(second[a], seq, p));
            for (int b = 0; b < two.length; b++) {
                if (one[a] + two[b] > best) {
                    best = one[a] + two[b];
                    pair = new long[] {a, b};
                }
            }
        }
        return pair;
    }

    private static float[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] - max - Math.log(sum));
        }
        return out;
    }

    private static float[] lastLogits(long[] sequence) {
        try (NDManager m = model.manager().newSubManager()) {
            int t = sequence.length;
            NDArray logits = model.forward(m.create(sequence).reshape(1, t), m.arange(0L, (long) t).reshape(1, t),
                    m.ones(new Shape(1, t), DataType.INT64), null, true);
            return logits.toFloatArray();
        }
    }

    @Test
    void beamSearchIsBatchIndependent() {
        GenerationConfig cfg = greedy(6).numBeams(3);
        List<long[]> batched = generator.generate(PROMPTS, cfg);
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertArrayEquals(generator.generate(List.of(PROMPTS.get(i)), cfg).get(0), batched.get(i), "prompt " + i);
        }
    }

    @Test
    void cancellationStopsGeneration() {
        ProgressListener cancelAfterTwo = new ProgressListener() {
            int steps;

            @Override
            public void onProgress(long done, long total, String message) {
                steps++;
            }

            @Override
            public boolean isCancelled() {
                return steps >= 2;
            }
        };
        assertThrows(CancellationException.class, () -> generator.generate(PROMPTS, greedy(20), cancelAfterTwo));
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> generator.generate(List.of(new long[] {1}, new long[0]), greedy(3)));
        assertTrue(empty.getMessage().contains("prompt 1"), empty.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> generator.generate(List.of(new long[] {5000}), greedy(3)));
        assertTrue(outside.getMessage().contains("5000"), outside.getMessage());
        assertThrows(IllegalArgumentException.class, () -> generator.generate(PROMPTS, greedy(3).temperature(0)));
        assertThrows(IllegalArgumentException.class, () -> generator.generate(PROMPTS, greedy(3).topP(1.5)));
        assertThrows(IllegalArgumentException.class, () -> generator.generate(PROMPTS, greedy(3).numBeams(2).doSample(true)));
    }

    private static float[][] logProbs(List<long[]> sequences) {
        int len = sequences.get(0).length;
        long[] flat = new long[sequences.size() * len];
        for (int i = 0; i < sequences.size(); i++) {
            System.arraycopy(sequences.get(i), 0, flat, i * len, len);
        }
        try (NDManager m = model.manager().newSubManager()) {
            int b = sequences.size();
            NDArray pos = m.arange(0L, (long) len).reshape(1, len).repeat(0, b);
            NDArray logits = model.forward(m.create(flat).reshape(b, len), pos, m.ones(new Shape(b, len), DataType.INT64), null, true);
            float[] lp = logits.squeeze(1).logSoftmax(1).toFloatArray();
            int v = (int) logits.getShape().get(2);
            float[][] out = new float[b][v];
            for (int i = 0; i < b; i++) {
                System.arraycopy(lp, i * v, out[i], 0, v);
            }
            return out;
        }
    }
}
