package org.loralab.engine.rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * rouge-score's tokenizer: lowercase, every character outside {@code [a-z0-9]} becomes a space,
 * split on whitespace, and (optionally) Porter-stem tokens longer than 3 characters. Any text
 * outside ASCII letters and digits, Japanese included, is erased.
 */
public final class DefaultRougeTokenizer implements RougeTokenizer {

    private final PorterStemmer stemmer;
    // Stemming dominates scoring time; news vocabularies are small, so memoise (as rouge-score 0.1.2 does).
    private final ConcurrentHashMap<String, String> stems = new ConcurrentHashMap<>();

    public DefaultRougeTokenizer(boolean useStemmer) {
        this.stemmer = useStemmer ? new PorterStemmer() : null;
    }

    @Override
    public List<String> tokenize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            boolean word = i < lower.length() && isAsciiAlnum(lower.charAt(i));
            if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                tokens.add(stem(lower.substring(start, i)));
                start = -1;
            }
        }
        return tokens;
    }

    private String stem(String token) {
        if (stemmer == null || token.length() <= 3) {
            return token;
        }
        if (stems.size() > 1_000_000) {
            stems.clear(); // bound memory on endless vocabularies
        }
        return stems.computeIfAbsent(token, stemmer::stem);
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
