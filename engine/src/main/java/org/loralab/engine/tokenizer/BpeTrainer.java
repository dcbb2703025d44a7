package org.loralab.engine.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Learns a character-level BPE vocabulary (the classic Sennrich et al. procedure, as HF
 * tokenizers' BpeTrainer): start from every character of the corpus, repeatedly merge the most
 * frequent adjacent pair inside a word. Words are split as {@link BpeTokenizerJson}'s Metaspace
 * pre-tokenizer splits them, so the merges are exactly the ones HF applies. Digits are never merged:
 * a number is spelled digit by digit, which lets a small model copy numbers it never saw.
 * There is no byte fallback, so every token is whole characters and decoding can never produce an
 * invalid UTF-8 sequence (U+FFFD). Deterministic: ties go to the pair that sorts first.
 */
public final class BpeTrainer {

    /** The learned alphabet (characters, sorted) and merges (in rank order). */
    public record Vocabulary(List<String> alphabet, List<String[]> merges) {
    }

    private BpeTrainer() {
    }

    /**
     * @param extraAlphabet characters to include even if the corpus lacks them (e.g. printable ASCII)
     * @param merges how many merges to learn at most
     */
    public static Vocabulary train(Collection<String> corpus, String extraAlphabet, int merges) {
        Map<String, Integer> wordCounts = new HashMap<>();
        TreeSet<String> alphabet = new TreeSet<>();
        extraAlphabet.codePoints().forEach(c -> alphabet.add(Character.toString(c)));
        for (String text : corpus) {
            for (String w : BpeTokenizerJson.preTokenize(text)) {
                wordCounts.merge(w, 1, Integer::sum);
            }
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : new TreeMap<>(wordCounts).entrySet()) {
            List<String> symbols = new ArrayList<>();
            e.getKey().codePoints().forEach(c -> symbols.add(Character.toString(c)));
            alphabet.addAll(symbols);
            words.add(symbols);
            counts.add(e.getValue());
        }
        List<String[]> learned = new ArrayList<>();
        for (int m = 0; m < merges; m++) {
            String[] best = mostFrequentPair(words, counts);
            if (best == null) {
                break;
            }
            learned.add(best);
            for (List<String> w : words) {
                mergeInPlace(w, best[0], best[1]);
            }
        }
        return new Vocabulary(List.copyOf(alphabet), learned);
    }

    private static String[] mostFrequentPair(List<List<String>> words, List<Integer> counts) {
        Map<String, Integer> pairCounts = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            List<String> w = words.get(i);
            for (int j = 0; j + 1 < w.size(); j++) {
                if (mergeable(w.get(j)) && mergeable(w.get(j + 1))) {
                    pairCounts.merge(w.get(j) + '\u0000' + w.get(j + 1), counts.get(i), Integer::sum);
                }
            }
        }
        String best = null;
        int bestCount = 1; // a pair seen once is not worth a token
        for (Map.Entry<String, Integer> e : pairCounts.entrySet()) {
            if (e.getValue() > bestCount || (e.getValue() == bestCount && best != null && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best == null ? null : best.split("\u0000", 2);
    }

    private static boolean mergeable(String symbol) {
        return symbol.chars().noneMatch(Character::isDigit);
    }

    private static void mergeInPlace(List<String> w, String left, String right) {
        for (int j = 0; j + 1 < w.size(); j++) {
            if (w.get(j).equals(left) && w.get(j + 1).equals(right)) {
                w.set(j, left + right);
                w.remove(j + 1);
            }
        }
    }
}
