package org.loralab.engine.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RougeEdgeCaseTest {

    private static final List<RougeType> ALL = List.of(RougeType.ROUGE_1, RougeType.ROUGE_2, RougeType.ROUGE_L, RougeType.ROUGE_LSUM);
    private final RougeScorer scorer = new RougeScorer(ALL, new DefaultRougeTokenizer(true));

    @Test
    void emptyAndPunctuationOnlyTextsScoreZero() {
        for (String[] pair : new String[][] {{"", "a summary"}, {"a reference", ""}, {"", ""}, {"!!! ...", "a b"},
                {"a b", "--- ,,,"}, {null, "x"}, {"x", null}, {"\n\n", "x\n"}}) {
            scorer.score(pair[0], pair[1]).forEach((t, s) -> assertEquals(Score.ZERO, s, t.name() + " " + java.util.Arrays.toString(pair)));
        }
    }

    @Test
    void identicalTextsScoreOne() {
        String text = "The central bank raised rates.\nMarkets fell sharply on the news.";
        scorer.score(text, text).forEach((t, s) -> assertEquals(Score.of(1, 1), s, t.name()));
    }

    @Test
    void veryLongTextsMatchIndependentCounts() {
        Random random = new Random(7);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            words.add("w" + random.nextInt(500));
        }
        List<String> shuffled = new ArrayList<>(words);
        Collections.shuffle(shuffled, random);
        String target = String.join(" ", words);
        String prediction = String.join(" ", shuffled);
        Map<RougeType, Score> r = new RougeScorer(List.of(RougeType.ROUGE_1), new DefaultRougeTokenizer(false))
                .score(target, prediction);
        assertEquals(Score.of(1, 1), r.get(RougeType.ROUGE_1)); // same multiset of words
        // LCS of a sequence with its own reversal over distinct tokens is 1.
        List<String> distinct = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            distinct.add("t" + i);
        }
        List<String> reversed = new ArrayList<>(distinct);
        Collections.reverse(reversed);
        Score l = new RougeScorer(List.of(RougeType.ROUGE_L), new DefaultRougeTokenizer(false))
                .score(String.join(" ", distinct), String.join(" ", reversed)).get(RougeType.ROUGE_L);
        assertEquals(1.0 / 3000, l.precision(), 1e-15);
    }

    @Test
    void lcsReadBackMatchesRougeScoreTieBreaking() {
        // rouge-score's testLcsTable: ref [1..5], can [2,5,3,4] -> indices [1,2,3].
        java.util.BitSet marked = new java.util.BitSet();
        Lcs.markLcs(new int[] {1, 2, 3, 4, 5}, new int[] {2, 5, 3, 4}, marked);
        assertEquals("{1, 2, 3}", marked.toString());
        assertEquals(3, Lcs.length(new int[] {1, 2, 3, 4, 5}, new int[] {2, 5, 3, 4}));
        assertEquals(0, Lcs.length(new int[] {1, 2, 3, 4, 5}, new int[] {8, 9}));
    }

    @Test
    void noReferenceIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> scorer.scoreMulti(List.of(), "x"));
    }
}
