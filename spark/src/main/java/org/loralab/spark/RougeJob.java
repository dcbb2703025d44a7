package org.loralab.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.loralab.engine.rouge.JapaneseRougeTokenizer;
import org.loralab.engine.rouge.Language;
import org.loralab.engine.rouge.RougeOptions;
import org.loralab.engine.rouge.RougeType;

/** The settings of a Spark ROUGE job, as the {@code rouge} command takes them (its defaults too). */
public final class RougeJob implements Serializable {

    private static final long serialVersionUID = 1L;

    public String predictionColumn = "summary";
    /** Column of unique whole row numbers (seeds, errors, bootstrap order); null: each row's position in the input. */
    public String rowColumn;
    public ArrayList<String> referenceColumns = new ArrayList<>(List.of("reference"));
    public String language = "en";
    public String languageColumn;
    public String japanese = "morpheme";
    public boolean stemmer = true;
    public ArrayList<String> types = new ArrayList<>(List.of("rouge1", "rouge2", "rougeL", "rougeLsum"));
    public int bootstrap = 1000;
    public double confidence = 0.95;
    public long seed = 42;

    RougeOptions options() {
        return RougeOptions.defaults().withTypes(types.stream().map(RougeType::parse).toList()).withStemmer(stemmer)
                .withLanguage(Language.parse(language)).withJapaneseMode(JapaneseRougeTokenizer.Mode.parse(japanese))
                .withBootstrap(bootstrap, confidence, seed);
    }
}
