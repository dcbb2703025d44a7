package org.loralab.engine.demo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The target task's three disjoint splits: the few training examples the methods adapt from, a
 * dev split on which every choice of settings is made, and a test split scored once, after all
 * choices. No document appears in two splits (templated data can repeat one, so repeats are
 * dropped), and none is one the base model was pretrained on or one that chose a default.
 */
public record DemoSplits(List<DemoData.Pair> train, List<DemoData.Pair> dev, List<DemoData.Pair> test) {

    // Not 2: rows of seed 2 chose Adaptive Merge & Prune's defaults in an earlier version; these are fresh.
    static final long TARGET_SEED = 3;

    /**
     * Documents no split may hold: the base model's pretraining texts of the target pair (it saw them
     * and their summaries, though never as pairs) and the 56 rows of seed 2 (earlier versions' target
     * rows, on which Adaptive Merge &amp; Prune's defaults were chosen).
     */
    static Set<String> excludedDocuments() {
        Set<String> out = new HashSet<>();
        DemoData.generate(DemoRunner.TARGET_DOMAIN, DemoRunner.TARGET_LANG, DemoBaseModel.Recipe.shipped().docsPerPair(),
                DemoData.PRETRAINING_SEED).forEach(p -> out.add(p.document()));
        DemoData.generate(DemoRunner.TARGET_DOMAIN, DemoRunner.TARGET_LANG, 56, 2).forEach(p -> out.add(p.document()));
        return out;
    }

    public static DemoSplits of(DemoSettings s) {
        Set<String> excluded = excludedDocuments();
        List<DemoData.Pair> distinct = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int wanted = s.targetRows() + s.devRows() + s.testRows();
        for (int n = wanted; distinct.size() < wanted; n *= 2) {
            if (n > 1_000_000) {
                throw new IllegalArgumentException("the demo data holds fewer than " + wanted + " usable distinct target documents");
            }
            distinct.clear();
            seen.clear();
            for (DemoData.Pair p : DemoData.generate(DemoRunner.TARGET_DOMAIN, DemoRunner.TARGET_LANG, n, TARGET_SEED)) {
                if (!excluded.contains(p.document()) && seen.add(p.document()) && distinct.size() < wanted) {
                    distinct.add(p);
                }
            }
        }
        int a = s.targetRows();
        int b = a + s.devRows();
        return new DemoSplits(List.copyOf(distinct.subList(0, a)), List.copyOf(distinct.subList(a, b)),
                List.copyOf(distinct.subList(b, wanted)));
    }
}
