package org.loralab.engine.params;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.loralab.engine.rouge.JapaneseRougeTokenizer;
import org.loralab.engine.rouge.Language;
import org.loralab.engine.rouge.RougeOptions;
import org.loralab.engine.rouge.RougeType;

/** The ROUGE Scorer node's parameters (the CLI's {@code rouge}); defaults are rouge-score's (all four types, Porter stemming). */
public record RougeParams(
        @Param(key = "prediction_column", cli = "--prediction-col", label = "Prediction column", tab = COLUMNS, widget = Widget.COLUMN,
                value = "summary", help = "The generated summaries.")
        String predictionColumn,
        @Param(key = "reference_column", cli = "--reference-col", label = "Reference column", tab = COLUMNS, widget = Widget.COLUMN,
                value = "reference", help = "The reference summaries (on the command line: one or more, comma-separated).")
        String referenceColumn,
        @Param(key = "more_reference_columns", label = "More reference columns (comma-separated)", tab = COLUMNS, width = 30,
                value = "", help = "Further references; per type the best one counts.")
        String moreReferenceColumns,
        @Param(key = "language", cli = "--language", label = "Language", tab = COLUMNS, value = "en", choices = {"en", "ja", "detect"},
                help = "en (the default, rouge-score's tokenizer), ja, or detect (by script, per row) for the whole table.")
        String language,
        @Param(key = "language_column", cli = "--language-col", label = "Language column, per row (empty: none)", tab = COLUMNS,
                width = 20, value = "", help = "A column with en, ja or detect per row; overrides the table's language.")
        String languageColumn,
        @Param(key = "japanese_tokens", cli = "--japanese", label = "Japanese tokens", tab = COLUMNS, value = "morpheme",
                help = "morpheme (Kuromoji) or character.")
        JapaneseRougeTokenizer.Mode japaneseMode,
        @Param(key = "use_stemmer", cli = "--stemmer", label = "Porter stemming (English)", tab = COLUMNS, value = "true",
                help = "Stem English tokens longer than three characters, as rouge-score's use_stemmer (--no-stemmer: off).")
        boolean useStemmer,

        @Param(key = "rouge1", label = "ROUGE-1", tab = SCORES, value = "true", help = "Unigram overlap.")
        boolean rouge1,
        @Param(key = "rouge2", label = "ROUGE-2", tab = SCORES, value = "true", help = "Bigram overlap.")
        boolean rouge2,
        @Param(key = "rougeL", label = "ROUGE-L", tab = SCORES, value = "true", help = "Longest common subsequence over the whole text.")
        boolean rougeL,
        @Param(key = "rougeLsum", label = "ROUGE-Lsum (sentences split on newlines)", tab = SCORES, value = "true",
                help = "Summary-level LCS over sentences.")
        boolean rougeLsum,
        @Param(key = "bootstrap_samples", cli = "--bootstrap", label = "Bootstrap resamples", tab = SCORES, value = "1000", min = 1,
                max = 1_000_000, step = 100, help = "Resamples of the confidence interval.")
        int bootstrapSamples,
        @Param(key = "confidence", cli = "--confidence", label = "Confidence", tab = SCORES, value = "0.95", min = 0.5, max = 0.999,
                step = 0.01, help = "Width of the interval, 0.95 for 95%.")
        double confidence,
        @Param(key = "seed", cli = "--seed", label = "Seed", tab = SCORES, value = "42", widget = Widget.NUMBER_EDIT,
                help = "Seed of the resampling.")
        long seed) {

    static final String COLUMNS = "Columns and language";
    static final String SCORES = "Scores";

    public static final ParamSchema<RougeParams> SCHEMA = ParamSchema.of(RougeParams.class);

    public RougeParams {
        Language.parse(language);
        if (!rouge1 && !rouge2 && !rougeL && !rougeLsum) {
            throw new IllegalArgumentException("Choose at least one ROUGE type.");
        }
    }

    public static RougeParams defaults() {
        return SCHEMA.defaults();
    }

    /** These parameters with the types chosen as on the command line ({@code --types rouge1,rougeL}). */
    public RougeParams withTypes(List<RougeType> types) {
        return new RougeParams(predictionColumn, referenceColumn, moreReferenceColumns, language, languageColumn, japaneseMode, useStemmer,
                types.contains(RougeType.ROUGE_1), types.contains(RougeType.ROUGE_2), types.contains(RougeType.ROUGE_L),
                types.contains(RougeType.ROUGE_LSUM), bootstrapSamples, confidence, seed);
    }

    /** The reference column(s) and any more, typed comma-separated. */
    public List<String> referenceColumns() {
        List<String> refs = new ArrayList<>();
        for (String s : List.of(referenceColumn, moreReferenceColumns)) {
            Arrays.stream(s.split(",")).map(String::trim).filter(c -> !c.isEmpty()).forEach(refs::add);
        }
        return refs;
    }

    public String languageColumnOrNull() {
        String c = languageColumn.trim();
        return c.isEmpty() ? null : c;
    }

    public List<RougeType> types() {
        List<RougeType> t = new ArrayList<>();
        if (rouge1) {
            t.add(RougeType.ROUGE_1);
        }
        if (rouge2) {
            t.add(RougeType.ROUGE_2);
        }
        if (rougeL) {
            t.add(RougeType.ROUGE_L);
        }
        if (rougeLsum) {
            t.add(RougeType.ROUGE_LSUM);
        }
        return t;
    }

    public RougeOptions options() {
        return new RougeOptions(types(), useStemmer, Language.parse(language), japaneseMode, bootstrapSamples, confidence, seed);
    }
}
