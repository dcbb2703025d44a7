package org.loralab.engine.generate;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.progress.ProgressListener;

/**
 * Autoregressive generation with a KV cache for a batch of tokenized prompts: greedy, sampling
 * (temperature, top-k, top-p, seeded per prompt) or beam search. Returns the generated ids of each
 * prompt without the prompt and without the stopping EOS token.
 */
public final class Generator {

    private final CausalLM model;

    public Generator(CausalLM model) {
        this.model = model;
    }

    public List<long[]> generate(List<long[]> prompts, GenerationConfig cfg) {
        return generate(prompts, cfg, ProgressListener.NONE);
    }

    public List<long[]> generate(List<long[]> prompts, GenerationConfig cfg, ProgressListener listener) {
        return generate(prompts, cfg, listener, null);
    }

    /**
     * @param streams per prompt, the id of its random stream (seed × 1000003 + id); null for the
     *     position in this call. Callers that regroup prompts into batches pass stable ids (row
     *     numbers), so sampled output does not depend on how the prompts were grouped.
     */
    public List<long[]> generate(List<long[]> prompts, GenerationConfig cfg, ProgressListener listener, long[] streams) {
        return generate(prompts, cfg, listener, streams, null);
    }

    /** Told, before the first forward pass, which prompt each row of the decoding batch serves. */
    @FunctionalInterface
    public interface RowRouting {
        /** @param promptOfRow per batch row, its prompt's index (beam search: K consecutive rows per prompt, kept so by reordering) */
        void route(int[] promptOfRow);
    }

    /** As {@link #generate(List, GenerationConfig, ProgressListener, long[])}, telling {@code routing} (if not null) the batch's rows. */
    public List<long[]> generate(List<long[]> prompts, GenerationConfig cfg, ProgressListener listener, long[] streams, RowRouting routing) {
        return generateWithoutRecording(prompts, cfg, listener, streams, routing);
    }

    private List<long[]> generateWithoutRecording(List<long[]> prompts, GenerationConfig cfg, ProgressListener listener, long[] streams,
            RowRouting routing) {
        cfg.validate();
        if (streams != null && streams.length != prompts.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + streams.length + " stream ids");
        }
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i) == null || prompts.get(i).length == 0) {
                throw new IllegalArgumentException("prompt " + i + " has no tokens");
            }
            for (long id : prompts.get(i)) {
                if (id < 0 || id >= model.config().vocabSize()) {
                    throw new IllegalArgumentException("prompt " + i + " has token id " + id
                            + " outside the vocabulary (size " + model.config().vocabSize() + ")");
                }
            }
        }
        if (prompts.isEmpty() || cfg.maxNewTokens() == 0) {
            List<long[]> empty = new ArrayList<>();
            prompts.forEach(p -> empty.add(new long[0]));
            return empty;
        }
        if (routing != null) {
            // Beam search decodes K rows per prompt (prompt i: rows iK..iK+K-1) and reorders beams only within a prompt.
            int per = cfg.numBeams() > 1 ? cfg.numBeams() : 1;
            int[] promptOfRow = new int[prompts.size() * per];
            for (int r = 0; r < promptOfRow.length; r++) {
                promptOfRow[r] = r / per;
            }
            routing.route(promptOfRow);
        }
        if (cfg.numBeams() > 1) {
            return new BeamSearch(model, cfg, padId(cfg)).run(prompts, listener);
        }
        return sampleOrGreedy(prompts, cfg, listener, streams);
    }

    static long padId(GenerationConfig cfg) {
        if (cfg.padTokenId() != null) {
            return cfg.padTokenId();
        }
        return cfg.eosTokenIds().isEmpty() ? 0 : cfg.eosTokenIds().get(0);
    }

    private List<long[]> sampleOrGreedy(List<long[]> prompts, GenerationConfig cfg, ProgressListener listener, long[] streams) {
        int b = prompts.size();
        List<List<Long>> out = new ArrayList<>();
        Random[] randoms = new Random[b];
        for (int r = 0; r < b; r++) {
            out.add(new ArrayList<>());
            randoms[r] = new Random(cfg.seed() * 1_000_003L + (streams == null ? r : streams[r]));
        }
        boolean[] finished = new boolean[b];
        long pad = padId(cfg);
        RepetitionPenalty penalty = RepetitionPenalty.of(cfg, prompts);
        try (DecodeSession session = new DecodeSession(model, prompts, pad, cfg.maxNewTokens())) {
            NDArray logits = session.prefill();
            for (int step = 0; step < cfg.maxNewTokens(); step++) {
                listener.checkCancelled();
                long[] next;
                try {
                    NonFiniteLogitsException.require(logits, step, finished, 1);
                    next = pick(logits, cfg, randoms, penalty);
                } finally {
                    logits.close();
                }
                int open = 0;
                for (int r = 0; r < b; r++) {
                    if (finished[r]) {
                        next[r] = pad;
                        continue;
                    }
                    if (penalty != null) {
                        penalty.add(r, next[r]);
                    }
                    if (cfg.eosTokenIds().contains(next[r])) {
                        finished[r] = true;
                    } else {
                        out.get(r).add(next[r]);
                        open++;
                    }
                }
                listener.onProgress(step + 1, cfg.maxNewTokens(), "generated token " + (step + 1));
                if (open == 0 || step == cfg.maxNewTokens() - 1) {
                    break;
                }
                logits = session.step(next);
            }
        }
        List<long[]> result = new ArrayList<>();
        for (List<Long> tokens : out) {
            result.add(tokens.stream().mapToLong(Long::longValue).toArray());
        }
        return result;
    }

    private static long[] pick(NDArray logits, GenerationConfig cfg, Random[] randoms, RepetitionPenalty penalty) {
        if (!cfg.doSample() && penalty == null) {
            try (NDArray argMax = logits.argMax(1)) {
                return argMax.toLongArray();
            }
        }
        int b = (int) logits.getShape().get(0);
        int v = (int) logits.getShape().get(1);
        float[] all = logits.toFloatArray();
        long[] next = new long[b];
        float[] row = new float[v];
        for (int r = 0; r < b; r++) {
            System.arraycopy(all, r * v, row, 0, v);
            if (penalty != null) {
                penalty.apply(r, row, 0, v); // a logits processor: before the sampling warpers
            }
            next[r] = cfg.doSample() ? TokenSampler.sample(row, cfg, randoms[r]) : argMax(row);
        }
        return next;
    }

    /** The first index of the largest value, as torch.argmax. */
    private static int argMax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best] || Float.isNaN(row[i]) && !Float.isNaN(row[best])) {
                best = i;
            }
        }
        return best;
    }
}
