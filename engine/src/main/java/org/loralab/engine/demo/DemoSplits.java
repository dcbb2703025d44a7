package org.loralab.engine.demo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The target task's three disjoint splits: the few training examples the methods adapt from, a
 * dev split on which every choice of settings is made, and a test split scored once, after all
 * choices. No document appears in two splits (templated data can repeat one, so repeats are
 * dropped).
 */
public record DemoSplits(List<DemoData.Pair> train, List<DemoData.Pair> dev, List<DemoData.Pair> test) {

    // Not 2: rows of seed 2 chose Adaptive Merge & Prune's defaults in an earlier version; these are fresh.
    static final long TARGET_SEED = 3;

    public static DemoSplits of(DemoSettings s) {
        List<DemoData.Pair> distinct = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int wanted = s.targetRows() + s.devRows() + s.testRows();
        for (int n = wanted; distinct.size() < wanted; n *= 2) {
            distinct.clear();
            seen.clear();
            for (DemoData.Pair p : DemoData.generate(DemoRunner.TARGET_DOMAIN, DemoRunner.TARGET_LANG, n, TARGET_SEED)) {
                if (seen.add(p.document()) && distinct.size() < wanted) {
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
