package org.loralab.engine.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * rouge-score's own published test cases ({@code rouge/rouge_scorer_test.py} in
 * google-research), reproduced to their stated precision. The texts of the ROUGE-1.5.5 cases are
 * the package's random test data ({@code testdata/target.txt}, {@code prediction.txt},
 * {@code pyrouge_files/*_multi.0.txt}; Apache-2.0, Google Research).
 */
class RougeScoreParityTest {

    static final String[] TARGETS = {
        "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L",
        "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN",
    };
    static final String[] PREDICTIONS = {
        "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi",
        "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD",
    };
    static final String TARGET_MULTI = TARGETS[0] + "\n" + TARGETS[1] + "\n"
            + "NhETebUbBk'er WOvoHMTjSRizKgH'vHiing Xu,hWxfs VkNE QhgKiLHE -HidivzoM.dO anhtion jbLQiSGDTCsuhREebUaKM dv J dVN tmbOT\n"
            + "vMR HDm,xOAetion D,tion HJtodT.mHl UIv-p VjWH'BdyWjnfGU-OjT aEMdFICyLWfQMtion wEMfdOKing AwkeKbO 'DxqNOHBH qKtVvm OYJl mM\n";
    static final String PREDICTION_MULTI = PREDICTIONS[0] + "\n" + PREDICTIONS[1] + "\n"
            + "xfs VkJE QhgKiLHE -HidivzoM.dO anhing jbLQiSGDTCsuhREebUaKM dv J\n"
            + "VjWH'BdyWjnfGU-OjTNaEMdFICyLWfQMing wEMfdOKijg AwkeKbO 'DxqNO\n";

    private static Score score(String type, boolean stem, String target, String prediction) {
        RougeType t = RougeType.parse(type);
        return new RougeScorer(List.of(t), new DefaultRougeTokenizer(stem)).score(target, prediction).get(t);
    }

    private static void assertScore(double p, double r, double f, Score s, double tol) {
        assertEquals(p, s.precision(), tol, "precision");
        assertEquals(r, s.recall(), tol, "recall");
        assertEquals(f, s.fmeasure(), tol, "fmeasure");
    }

    @Test
    void typesAreValidatedAsRougeScoreDoes() {
        for (String bad : new String[] {"rougen", "rouge0", "rouge10"}) {
            assertThrows(IllegalArgumentException.class, () -> RougeType.parse(bad));
        }
        for (String ok : new String[] {"rouge1", "rouge9", "rougeL", "rougeLsum"}) {
            assertEquals(ok, RougeType.parse(ok).name());
        }
    }

    @Test
    void simpleCases() {
        assertScore(1, 1 / 3.0, 1 / 2.0, score("rouge1", false, "testing one two", "testing"), 1e-7);
        assertScore(1, 1 / 2.0, 2 / 3.0, score("rouge2", false, "testing one two", "testing one"), 1e-7);
        assertScore(1, 2 / 3.0, 4 / 5.0, score("rougeL", false, "testing one two", "testing one"), 1e-7);
        assertScore(1, 2 / 3.0, 4 / 5.0, score("rougeL", false, "testing one two", "testing two"), 1e-7);
        for (String t : new String[] {"rouge1", "rouge2", "rougeL", "rougeLsum"}) {
            assertScore(0, 0, 0, score(t, false, "testing one two", ""), 0);
        }
    }

    @Test
    void multipleTypesInOneCall() {
        RougeScorer scorer = new RougeScorer(List.of(RougeType.ROUGE_1, RougeType.ROUGE_L), new DefaultRougeTokenizer(false));
        Map<RougeType, Score> r = scorer.score("testing one two", "testing one");
        assertEquals(List.of(RougeType.ROUGE_1, RougeType.ROUGE_L), List.copyOf(r.keySet()));
        assertScore(1, 2 / 3.0, 4 / 5.0, r.get(RougeType.ROUGE_1), 1e-7);
    }

    @Test
    void rouge1AgainstRouge155() {
        assertScore(0.68750, 0.40741, 0.51163, score("rouge1", false, TARGETS[0], PREDICTIONS[0]), 5e-6);
        assertScore(0.65385, 0.40476, 0.50000, score("rouge1", false, TARGETS[1], PREDICTIONS[1]), 5e-6);
    }

    @Test
    void rouge1AgainstRouge155WithStemming() {
        assertScore(0.68750, 0.40741, 0.51163, score("rouge1", true, TARGETS[0], PREDICTIONS[0]), 5e-6);
        assertScore(0.69231, 0.42857, 0.52941, score("rouge1", true, TARGETS[1], PREDICTIONS[1]), 5e-6);
    }

    @Test
    void rouge2AgainstRouge155() {
        for (boolean stem : new boolean[] {false, true}) {
            assertScore(0.53333, 0.30769, 0.39024, score("rouge2", stem, TARGETS[0], PREDICTIONS[0]), 5e-6);
            assertScore(0.48000, 0.29268, 0.36364, score("rouge2", stem, TARGETS[1], PREDICTIONS[1]), 5e-6);
        }
    }

    @Test
    void rougeLAgainstRouge155() {
        assertScore(0.68750, 0.40741, 0.51163, score("rougeL", false, TARGETS[0], PREDICTIONS[0]), 5e-6);
        assertScore(0.65385, 0.40476, 0.50000, score("rougeL", false, TARGETS[1], PREDICTIONS[1]), 5e-6);
    }

    @Test
    void rougeLsumAgainstRouge155WithStemming() {
        assertScore(0.66667, 0.36538, 0.47205, score("rougeLsum", true, TARGET_MULTI, PREDICTION_MULTI), 5e-6);
    }

    @Test
    void rougeLsumUnionLcsExample() {
        // Section 3.2 of Lin (2004), as rouge-score's testRougeLsum and testSummaryLevelLcs.
        assertScore(0.4, 0.8, 0.5333, score("rougeLsum", false, "w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5"), 5e-5);
        assertScore(0, 0, 0, score("rougeLsum", false, "w1 w2 w3 w4 w5", ""), 0);
        assertScore(0, 0, 0, score("rougeLsum", false, "", "w1"), 0);
        assertScore(0, 0, 0, score("rougeLsum", false, "w1 w2 w3 w4 w5", "/"), 0);
        assertEquals(0.0, score("rougeLsum", false, "reference", "\n").recall());
    }

    @Test
    void scoreMultiKeepsTheBestReferencePerType() {
        RougeScorer scorer = new RougeScorer(List.of(RougeType.ROUGE_1, RougeType.ROUGE_2), new DefaultRougeTokenizer(false));
        Map<RougeType, Score> r = scorer.scoreMulti(List.of("a b c d", "x b c y", "a z z z"), "a b c");
        assertScore(1, 0.75, 6 / 7.0, r.get(RougeType.ROUGE_1), 1e-12); // first reference
        assertScore(1, 2 / 3.0, 0.8, r.get(RougeType.ROUGE_2), 1e-12); // first reference again
        Map<RougeType, Score> second = scorer.scoreMulti(List.of("a z z z", "x b c y"), "a b c");
        assertScore(2 / 3.0, 0.5, 4 / 7.0, second.get(RougeType.ROUGE_1), 1e-12); // "b c" beats "a"
        // Per type: rouge1 takes "c b a" (all unigrams), rouge2 takes "b c" (its only bigram matches).
        Map<RougeType, Score> mixed = scorer.scoreMulti(List.of("c b a", "b c"), "a b c");
        assertScore(1, 1, 1, mixed.get(RougeType.ROUGE_1), 1e-12);
        assertScore(0.5, 1, 2 / 3.0, mixed.get(RougeType.ROUGE_2), 1e-12);
    }
}
