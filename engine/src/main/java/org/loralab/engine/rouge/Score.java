package org.loralab.engine.rouge;

/** Precision, recall and F1 of one ROUGE measure, as rouge-score's {@code Score} tuple. */
public record Score(double precision, double recall, double fmeasure) {

    public static final Score ZERO = new Score(0, 0, 0);

    public static Score of(double precision, double recall) {
        return new Score(precision, recall, fmeasure(precision, recall));
    }

    /** Harmonic mean, 0 when both are 0 (rouge-score's {@code scoring.fmeasure}). */
    public static double fmeasure(double precision, double recall) {
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    }

    /** The component by name: precision, recall or fmeasure. */
    public double get(Measure m) {
        return switch (m) {
            case PRECISION -> precision;
            case RECALL -> recall;
            case FMEASURE -> fmeasure;
        };
    }

    /** The three components of a score. */
    public enum Measure {
        PRECISION("precision"), RECALL("recall"), FMEASURE("fmeasure");

        private final String label;

        Measure(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
