package org.loralab.engine.rouge;

import java.util.List;

/**
 * How a table is scored.
 *
 * @param types ROUGE variants, rouge-score names
 * @param useStemmer Porter-stem English tokens longer than 3 characters
 * @param language the table's language; DETECT decides per row from the texts' script
 * @param japaneseMode morphemes (Kuromoji) or characters for Japanese rows
 * @param bootstrapSamples resamples for the confidence interval
 * @param confidence width of the interval, 0.95 for 95%
 * @param seed seed of the bootstrap resampling
 */
public record RougeOptions(List<RougeType> types, boolean useStemmer, Language language,
        JapaneseRougeTokenizer.Mode japaneseMode, int bootstrapSamples, double confidence, long seed) {

    public static RougeOptions defaults() {
        return new RougeOptions(List.of(RougeType.ROUGE_1, RougeType.ROUGE_2, RougeType.ROUGE_L, RougeType.ROUGE_LSUM),
                true, Language.ENGLISH, JapaneseRougeTokenizer.Mode.MORPHEME, 1000, 0.95, 42);
    }

    public RougeOptions withLanguage(Language l) {
        return new RougeOptions(types, useStemmer, l, japaneseMode, bootstrapSamples, confidence, seed);
    }

    public RougeOptions withJapaneseMode(JapaneseRougeTokenizer.Mode m) {
        return new RougeOptions(types, useStemmer, language, m, bootstrapSamples, confidence, seed);
    }

    public RougeOptions withTypes(List<RougeType> t) {
        return new RougeOptions(t, useStemmer, language, japaneseMode, bootstrapSamples, confidence, seed);
    }

    public RougeOptions withStemmer(boolean s) {
        return new RougeOptions(types, s, language, japaneseMode, bootstrapSamples, confidence, seed);
    }

    public RougeOptions withBootstrap(int samples, double conf, long s) {
        return new RougeOptions(types, useStemmer, language, japaneseMode, samples, conf, s);
    }
}
