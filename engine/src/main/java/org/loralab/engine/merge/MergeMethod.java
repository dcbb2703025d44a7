package org.loralab.engine.merge;

import java.util.Locale;

/** The classic merges, by PEFT's add_weighted_adapter names. */
public enum MergeMethod {
    LINEAR, CAT, SVD, TIES, DARE_LINEAR, DARE_TIES, MAGNITUDE_PRUNE;

    public String peftName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MergeMethod parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown merge method '" + s + "': use linear, cat, svd, ties, dare_linear, dare_ties or magnitude_prune");
        }
    }

    /** Methods that combine A's and B's separately and so need adapters of one rank. */
    public boolean needsEqualRanks() {
        return this != CAT && this != SVD;
    }
}
