package org.loralab.engine.merge;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every merge the node offers, in one namespace: the classic merges by PEFT's add_weighted_adapter
 * names, then LoraHub, Adaptive Merge &amp; Prune and the description-conditioned merge.
 */
public enum MergeMethod {
    LINEAR, CAT, SVD, TIES, DARE_LINEAR, DARE_TIES, MAGNITUDE_PRUNE, LORAHUB, ADAPTIVE, DESCRIPTION;

    public String peftName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MergeMethod parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown merge method '" + s + "': use one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT));
        }
    }

    /** The merges {@link ClassicMerge} computes from the adapters alone (PEFT's). */
    public boolean isClassic() {
        return ordinal() <= MAGNITUDE_PRUNE.ordinal();
    }

    public static List<MergeMethod> classic() {
        return Arrays.stream(values()).filter(MergeMethod::isClassic).toList();
    }

    /** LoraHub and Adaptive learn from target examples; the other merges need none. */
    public boolean needsExamples() {
        return this == LORAHUB || this == ADAPTIVE;
    }

    /** Methods that combine A's and B's separately and so need adapters of one rank. */
    public boolean needsEqualRanks() {
        return this != CAT && this != SVD;
    }
}
