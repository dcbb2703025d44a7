package org.loralab.knime.rouge;

import java.util.List;
import org.knime.core.data.StringValue;
import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentColumnNameSelection;
import org.knime.core.node.defaultnodesettings.DialogComponentNumber;
import org.knime.core.node.defaultnodesettings.DialogComponentNumberEdit;
import org.knime.core.node.defaultnodesettings.DialogComponentString;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;

/** The ROUGE Scorer dialog: columns and language, then types and bootstrap. */
final class RougeScorerNodeDialog extends DefaultNodeSettingsPane {

    @SuppressWarnings("unchecked")
    RougeScorerNodeDialog() {
        RougeScorerSettings s = new RougeScorerSettings();
        setDefaultTabTitle("Columns and language");
        addDialogComponent(new DialogComponentColumnNameSelection(s.predictionColumn, "Prediction column", 0, StringValue.class));
        addDialogComponent(new DialogComponentColumnNameSelection(s.referenceColumn, "Reference column", 0, StringValue.class));
        addDialogComponent(new DialogComponentString(s.moreReferences, "More reference columns (comma-separated)", false, 30));
        addDialogComponent(new DialogComponentStringSelection(s.language, "Language", List.of("en", "ja", "detect")));
        addDialogComponent(new DialogComponentString(s.languageColumn, "Language column, per row (empty: none)", false, 20));
        addDialogComponent(new DialogComponentStringSelection(s.japaneseMode, "Japanese tokens", List.of("morpheme", "character")));
        addDialogComponent(new DialogComponentBoolean(s.stemmer, "Porter stemming (English)"));

        createNewTab("Scores");
        addDialogComponent(new DialogComponentBoolean(s.rouge1, "ROUGE-1"));
        addDialogComponent(new DialogComponentBoolean(s.rouge2, "ROUGE-2"));
        addDialogComponent(new DialogComponentBoolean(s.rougeL, "ROUGE-L"));
        addDialogComponent(new DialogComponentBoolean(s.rougeLsum, "ROUGE-Lsum (sentences split on newlines)"));
        addDialogComponent(new DialogComponentNumber(s.bootstrapSamples, "Bootstrap resamples", 100));
        addDialogComponent(new DialogComponentNumber(s.confidence, "Confidence", 0.01));
        addDialogComponent(new DialogComponentNumberEdit(s.seed, "Seed"));
    }
}
