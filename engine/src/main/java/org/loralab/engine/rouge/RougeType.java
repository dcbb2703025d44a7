package org.loralab.engine.rouge;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A ROUGE variant by rouge-score's name: rouge1 … rouge9, rougeL or rougeLsum. */
public record RougeType(String name, int n) {

    private static final Pattern NGRAM = Pattern.compile("rouge([0-9])");
    public static final RougeType ROUGE_1 = new RougeType("rouge1", 1);
    public static final RougeType ROUGE_2 = new RougeType("rouge2", 2);
    public static final RougeType ROUGE_L = new RougeType("rougeL", 0);
    public static final RougeType ROUGE_LSUM = new RougeType("rougeLsum", 0);

    public static RougeType parse(String name) {
        switch (name) {
            case "rougeL": return ROUGE_L;
            case "rougeLsum": return ROUGE_LSUM;
            default:
                Matcher m = NGRAM.matcher(name);
                if (m.matches() && !m.group(1).equals("0")) {
                    return new RougeType(name, Integer.parseInt(m.group(1)));
                }
                throw new IllegalArgumentException("invalid ROUGE type '" + name
                        + "': use rouge1 … rouge9, rougeL or rougeLsum");
        }
    }

    public boolean isNgram() {
        return n > 0;
    }
}
