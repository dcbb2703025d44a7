package org.loralab.engine.rouge;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum between a target (reference) and a prediction, with the exact
 * semantics of Google's rouge-score package ({@code rouge_scorer.RougeScorer.score} and
 * {@code score_multi}). Tokens are interned to ints so n-grams and LCS compare integers.
 * Thread-safe when its tokenizer is.
 */
public final class RougeScorer {

    private final List<RougeType> types;
    private final RougeTokenizer tokenizer;

    public RougeScorer(List<RougeType> types, RougeTokenizer tokenizer) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("no ROUGE type chosen");
        }
        this.types = List.copyOf(types);
        this.tokenizer = tokenizer;
    }

    public List<RougeType> types() {
        return types;
    }

    public RougeTokenizer tokenizer() {
        return tokenizer;
    }

    /** Scores {@code prediction} against one {@code target}; null texts count as empty. */
    public Map<RougeType, Score> score(String target, String prediction) {
        target = target == null ? "" : target;
        prediction = prediction == null ? "" : prediction;
        Vocabulary vocab = new Vocabulary();
        int[] targetIds = null;
        int[] predictionIds = null;
        Map<RougeType, Score> result = new LinkedHashMap<>();
        for (RougeType type : types) {
            if (type.equals(RougeType.ROUGE_LSUM)) {
                result.put(type, summaryLevelLcs(sentences(target, vocab), sentences(prediction, vocab)));
                continue;
            }
            if (targetIds == null) {
                targetIds = vocab.ids(tokenizer.tokenize(target));
                predictionIds = vocab.ids(tokenizer.tokenize(prediction));
            }
            result.put(type, type.isNgram() ? ngramScore(targetIds, predictionIds, type.n(), vocab)
                    : lcsScore(targetIds, predictionIds));
        }
        return result;
    }

    /**
     * Scores against several references and keeps, per ROUGE type, the reference with the best F1
     * (the first on ties), as rouge-score's {@code score_multi}.
     */
    public Map<RougeType, Score> scoreMulti(List<String> targets, String prediction) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no reference to score against");
        }
        Map<RougeType, Score> best = null;
        for (String target : targets) {
            Map<RougeType, Score> s = score(target, prediction);
            if (best == null) {
                best = s;
                continue;
            }
            for (RougeType t : types) {
                if (s.get(t).fmeasure() > best.get(t).fmeasure()) {
                    best.put(t, s.get(t));
                }
            }
        }
        return best;
    }

    private static Score ngramScore(int[] target, int[] prediction, int n, Vocabulary vocab) {
        Map<Integer, int[]> counts = new HashMap<>(); // ngram id -> {target count, prediction count}
        int targetTotal = countNgrams(target, n, vocab, counts, 0);
        int predictionTotal = countNgrams(prediction, n, vocab, counts, 1);
        int overlap = 0;
        for (int[] c : counts.values()) {
            overlap += Math.min(c[0], c[1]);
        }
        return Score.of((double) overlap / Math.max(predictionTotal, 1), (double) overlap / Math.max(targetTotal, 1));
    }

    private static int countNgrams(int[] tokens, int n, Vocabulary vocab, Map<Integer, int[]> counts, int side) {
        int total = Math.max(tokens.length - n + 1, 0);
        for (int i = 0; i < total; i++) {
            int id = tokens[i];
            for (int k = 1; k < n; k++) {
                id = vocab.pair(id, tokens[i + k]); // exact n-gram id, built from the (n-1)-gram id
            }
            counts.computeIfAbsent(id, x -> new int[2])[side]++;
        }
        return total;
    }

    private static Score lcsScore(int[] target, int[] prediction) {
        if (target.length == 0 || prediction.length == 0) {
            return Score.ZERO;
        }
        int lcs = Lcs.length(target, prediction);
        return Score.of((double) lcs / prediction.length, (double) lcs / target.length);
    }

    /** Summary-level LCS (ROUGE paper 3.2) with ROUGE-1.5.5's guard against double counting. */
    private static Score summaryLevelLcs(List<int[]> ref, List<int[]> can) {
        int m = ref.stream().mapToInt(s -> s.length).sum();
        int n = can.stream().mapToInt(s -> s.length).sum();
        if (ref.isEmpty() || can.isEmpty() || m == 0 || n == 0) {
            return Score.ZERO;
        }
        Map<Integer, Integer> refCounts = new HashMap<>();
        Map<Integer, Integer> canCounts = new HashMap<>();
        ref.forEach(s -> count(s, refCounts));
        can.forEach(s -> count(s, canCounts));
        int hits = 0;
        for (int[] r : ref) {
            BitSet union = new BitSet(r.length);
            for (int[] c : can) {
                Lcs.markLcs(r, c, union);
            }
            for (int i = union.nextSetBit(0); i >= 0; i = union.nextSetBit(i + 1)) {
                int token = r[i];
                if (canCounts.getOrDefault(token, 0) > 0 && refCounts.getOrDefault(token, 0) > 0) {
                    hits++;
                    canCounts.merge(token, -1, Integer::sum);
                    refCounts.merge(token, -1, Integer::sum);
                }
            }
        }
        return Score.of((double) hits / n, (double) hits / m);
    }

    private static void count(int[] tokens, Map<Integer, Integer> counts) {
        for (int t : tokens) {
            counts.merge(t, 1, Integer::sum);
        }
    }

    /** rougeLsum sentences: split on newlines, empty lines dropped, each tokenized alone. */
    private List<int[]> sentences(String text, Vocabulary vocab) {
        List<int[]> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                out.add(vocab.ids(tokenizer.tokenize(line)));
            }
        }
        return out;
    }

    /** Per-call interning of tokens and n-gram pairs to dense ints. */
    private static final class Vocabulary {
        private final Map<String, Integer> tokens = new HashMap<>();
        private final Map<Long, Integer> pairs = new HashMap<>();
        private int next;

        int[] ids(List<String> words) {
            int[] ids = new int[words.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tokens.computeIfAbsent(words.get(i), w -> next++);
            }
            return ids;
        }

        int pair(int prefix, int token) {
            return pairs.computeIfAbsent(((long) prefix << 32) | (token & 0xffffffffL), k -> next++);
        }
    }
}
