package org.loralab.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.progress.ProgressListener;

/**
 * Beam search after HF transformers' BeamSearchScorer: each step keeps the 2K best (beam, token)
 * continuations by summed log-probability, moves those ending in EOS (among the top K) into a pool
 * of finished hypotheses scored {@code sum_logprobs / length^length_penalty}, and continues the K
 * best others. A prompt is done when its pool holds K hypotheses and (early stopping) or no running
 * beam can beat the pool's worst under the current length. Length counts generated tokens without
 * EOS, at least 1.
 */
final class BeamSearch {

    private final CausalLM model;
    private final GenerationConfig cfg;
    private final long pad;
    private final int beams;

    BeamSearch(CausalLM model, GenerationConfig cfg, long pad) {
        this.model = model;
        this.cfg = cfg;
        this.pad = pad;
        this.beams = cfg.numBeams();
    }

    private record Hypothesis(long[] tokens, double score) {}

    /** The K best finished hypotheses of one prompt. */
    private final class Pool {
        final List<Hypothesis> items = new ArrayList<>();

        void add(List<Long> tokens, double sumLogProbs) {
            double score = sumLogProbs / Math.pow(Math.max(1, tokens.size()), cfg.lengthPenalty());
            items.add(new Hypothesis(tokens.stream().mapToLong(Long::longValue).toArray(), score));
            items.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
            if (items.size() > beams) {
                items.remove(items.size() - 1);
            }
        }

        boolean isDone(double bestRunningSum, int generatedLength) {
            if (items.size() < beams) {
                return false;
            }
            if (cfg.earlyStopping()) {
                return true;
            }
            double bestPossible = bestRunningSum / Math.pow(Math.max(1, generatedLength), cfg.lengthPenalty());
            return items.get(items.size() - 1).score() >= bestPossible;
        }
    }

    List<long[]> run(List<long[]> prompts, ProgressListener listener) {
        int b = prompts.size();
        int rows = b * beams;
        List<long[]> expanded = new ArrayList<>();
        for (long[] p : prompts) {
            for (int k = 0; k < beams; k++) {
                expanded.add(p);
            }
        }
        double[] scores = new double[rows];
        for (int r = 0; r < rows; r++) {
            // Identical beams at the start: only beam 0 may expand, or the K beams would be copies.
            scores[r] = r % beams == 0 ? 0 : -1e9;
        }
        List<List<Long>> tokens = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            tokens.add(new ArrayList<>());
        }
        List<Pool> pools = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            pools.add(new Pool());
        }
        boolean[] done = new boolean[b];
        RepetitionPenalty penalty = RepetitionPenalty.of(cfg, expanded);

        try (DecodeSession session = new DecodeSession(model, expanded, pad, cfg.maxNewTokens())) {
            NDArray logits = session.prefill();
            int vocab = (int) logits.getShape().get(1);
            for (int step = 0; step < cfg.maxNewTokens(); step++) {
                listener.checkCancelled();
                Candidates top;
                try {
                    NonFiniteLogitsException.require(logits, step, done, beams);
                    top = topCandidates(logits, scores, b, vocab, penalty);
                } finally {
                    logits.close();
                }
                int[] source = new int[rows];
                long[] next = new long[rows];
                double[] nextScores = new double[rows];
                for (int i = 0; i < b; i++) {
                    if (done[i]) {
                        for (int k = 0; k < beams; k++) {
                            int row = i * beams + k;
                            source[row] = row;
                            next[row] = pad;
                            nextScores[row] = scores[row];
                        }
                        continue;
                    }
                    int chosen = 0;
                    for (int rank = 0; rank < 2 * beams && chosen < beams; rank++) {
                        long flat = top.indices()[i * 2 * beams + rank];
                        double score = top.scores()[i * 2 * beams + rank];
                        int fromRow = i * beams + (int) (flat / vocab);
                        long token = flat % vocab;
                        if (cfg.eosTokenIds().contains(token)) {
                            if (rank < beams) {
                                pools.get(i).add(tokens.get(fromRow), score);
                            }
                            continue;
                        }
                        int row = i * beams + chosen++;
                        source[row] = fromRow;
                        next[row] = token;
                        nextScores[row] = score;
                    }
                    for (int k = chosen; k < beams; k++) {
                        // Only when most candidates were EOS: park the slot on a hopeless copy of beam 0.
                        int row = i * beams + k;
                        source[row] = i * beams;
                        next[row] = pad;
                        nextScores[row] = -1e9;
                    }
                    done[i] = pools.get(i).isDone(nextScores[i * beams], step + 1);
                }
                List<List<Long>> reordered = new ArrayList<>();
                for (int r = 0; r < rows; r++) {
                    List<Long> t = new ArrayList<>(tokens.get(source[r]));
                    if (!done[r / beams]) {
                        t.add(next[r]);
                    }
                    reordered.add(t);
                }
                tokens = reordered;
                scores = nextScores;
                if (penalty != null) {
                    penalty.selectRows(source);
                    for (int r = 0; r < rows; r++) {
                        penalty.add(r, next[r]);
                    }
                }
                listener.onProgress(step + 1, cfg.maxNewTokens(), "beam search step " + (step + 1));
                if (allDone(done) || step == cfg.maxNewTokens() - 1) {
                    break;
                }
                session.selectRows(source);
                logits = session.step(next);
            }
        }
        List<long[]> result = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            if (!done[i]) {
                for (int k = 0; k < beams; k++) {
                    pools.get(i).add(tokens.get(i * beams + k), scores[i * beams + k]);
                }
            }
            result.add(pools.get(i).items.get(0).tokens());
        }
        return result;
    }

    /** Per prompt, the 2K best summed log-probabilities and their flat index over beams x vocab. */
    private record Candidates(float[] scores, long[] indices) {}

    private Candidates topCandidates(NDArray logits, double[] scores, int b, int vocab, RepetitionPenalty penalty) {
        float[] s = new float[scores.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) scores[i];
        }
        try (NDArray beamScores = logits.getManager().create(s).reshape(-1, 1);
                NDArray logProbs = penalised(logits.logSoftmax(1), penalty, vocab);
                NDArray total = logProbs.add(beamScores);
                NDArray flat = total.reshape(b, (long) beams * vocab)) {
            NDList top = flat.topK(2 * beams, 1, true, true);
            try (top) {
                return new Candidates(top.get(0).toFloatArray(), top.get(1).toLongArray());
            }
        }
    }

    /**
     * transformers' beam search runs its logits processors on the log-probabilities (log_softmax
     * first), so the repetition penalty multiplies them (all are negative) by the penalty.
     */
    private static NDArray penalised(NDArray logProbs, RepetitionPenalty penalty, int vocab) {
        if (penalty == null) {
            return logProbs;
        }
        try (logProbs) {
            float[] lp = logProbs.toFloatArray();
            int rows = lp.length / vocab;
            for (int r = 0; r < rows; r++) {
                penalty.apply(r, lp, r * vocab, vocab);
            }
            return logProbs.getManager().create(lp, logProbs.getShape());
        }
    }

    private static boolean allDone(boolean[] done) {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }
}
