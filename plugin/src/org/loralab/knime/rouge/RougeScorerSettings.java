package org.loralab.knime.rouge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelDouble;
import org.knime.core.node.defaultnodesettings.SettingsModelIntegerBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelLong;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.loralab.engine.rouge.JapaneseRougeTokenizer;
import org.loralab.engine.rouge.Language;
import org.loralab.engine.rouge.RougeOptions;
import org.loralab.engine.rouge.RougeType;
import org.loralab.knime.SettingsGroup;

/** Settings of the ROUGE Scorer node; defaults are rouge-score's (all four types, Porter stemming). */
final class RougeScorerSettings extends SettingsGroup {

    final SettingsModelString predictionColumn = string("prediction_column", "summary");
    final SettingsModelString referenceColumn = string("reference_column", "reference");
    final SettingsModelString moreReferences = string("more_reference_columns", "");
    final SettingsModelString language = string("language", "en");
    final SettingsModelString languageColumn = string("language_column", "");
    final SettingsModelString japaneseMode = string("japanese_tokens", "morpheme");
    final SettingsModelBoolean stemmer = bool("use_stemmer", true);
    final SettingsModelBoolean rouge1 = bool("rouge1", true);
    final SettingsModelBoolean rouge2 = bool("rouge2", true);
    final SettingsModelBoolean rougeL = bool("rougeL", true);
    final SettingsModelBoolean rougeLsum = bool("rougeLsum", true);
    final SettingsModelIntegerBounded bootstrapSamples = integer("bootstrap_samples", 1000, 1, 1_000_000);
    final SettingsModelDouble confidence = number("confidence", 0.95, 0.5, 0.999);
    final SettingsModelLong seed = seed("seed", 42);

    /** The reference column and any more, typed comma-separated. */
    List<String> referenceColumns() {
        List<String> refs = new ArrayList<>(List.of(referenceColumn.getStringValue()));
        Arrays.stream(moreReferences.getStringValue().split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(refs::add);
        return refs;
    }

    List<RougeType> types() {
        List<RougeType> t = new ArrayList<>();
        if (rouge1.getBooleanValue()) {
            t.add(RougeType.ROUGE_1);
        }
        if (rouge2.getBooleanValue()) {
            t.add(RougeType.ROUGE_2);
        }
        if (rougeL.getBooleanValue()) {
            t.add(RougeType.ROUGE_L);
        }
        if (rougeLsum.getBooleanValue()) {
            t.add(RougeType.ROUGE_LSUM);
        }
        return t;
    }

    String languageColumnOrNull() {
        String c = languageColumn.getStringValue().trim();
        return c.isEmpty() ? null : c;
    }

    RougeOptions options() throws InvalidSettingsException {
        return checked(() -> RougeOptions.defaults().withTypes(types()).withStemmer(stemmer.getBooleanValue())
                .withLanguage(Language.parse(language.getStringValue()))
                .withJapaneseMode(JapaneseRougeTokenizer.Mode.valueOf(japaneseMode.getStringValue().trim().toUpperCase(Locale.ROOT)))
                .withBootstrap(bootstrapSamples.getIntValue(), confidence.getDoubleValue(), seed.getLongValue()));
    }

    @Override
    protected void check() throws InvalidSettingsException {
        if (types().isEmpty()) {
            throw new InvalidSettingsException("Choose at least one ROUGE type.");
        }
        options();
    }
}
