package org.loralab.engine.merge;

import java.util.Locale;

/**
 * How Adaptive Merge &amp; Prune prunes LoRA parameters during its fine-tune. The paper's exact
 * criterion is not public, so the family is offered:
 *
 * @param importance MAGNITUDE |θ|, UPDATE |θ − θ_start| (movement since the merge), or SALIENCY |θ · ∂L/∂θ|
 * @param granularity single ELEMENTs, whole RANK components (row k of A with column k of B), or whole MODULEs
 * @param schedule ONE_SHOT (prune to the final ratio once, a quarter into training) or ITERATIVE
 *     (a cubic ramp from 0 to the final ratio over the first three quarters, pruning after every step)
 * @param ratio fraction of the adapter's parameters held at zero at the end
 */
public record PruneSettings(Importance importance, Granularity granularity, Schedule schedule, double ratio) {

    public enum Importance { MAGNITUDE, UPDATE, SALIENCY }

    public enum Granularity { ELEMENT, RANK, MODULE }

    public enum Schedule { ONE_SHOT, ITERATIVE }

    public PruneSettings {
        if (!(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("pruning ratio must lie in [0, 1), got " + ratio);
        }
    }

    public static PruneSettings defaults() {
        return new PruneSettings(Importance.SALIENCY, Granularity.RANK, Schedule.ITERATIVE, 0.5); // chosen by bench amp, see docs/merging.md
    }

    /** Target ratio after optimizer step {@code step} (1-based) of {@code total}. */
    public double ratioAt(int step, int total) {
        double progress = (double) step / Math.max(1, total);
        if (schedule == Schedule.ONE_SHOT) {
            return progress >= 0.25 ? ratio : 0;
        }
        double ramp = Math.min(1, progress / 0.75);
        return ratio * (1 - Math.pow(1 - ramp, 3));
    }

    public static <E extends Enum<E>> E parse(Class<E> type, String s) {
        return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
