package org.loralab.engine.rouge;

import com.atilika.kuromoji.ipadic.Token;
import com.atilika.kuromoji.ipadic.Tokenizer;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Japanese ROUGE tokens. Text is NFKC-normalised (full-width Latin and digits become ASCII,
 * half-width katakana becomes full-width) and lowercased; then either split into morphemes by
 * Kuromoji (IPADIC) or into single characters. Tokens without any letter or digit (punctuation,
 * symbols, spaces) are dropped, as the English tokenizer drops them.
 */
public final class JapaneseRougeTokenizer implements RougeTokenizer {

    /** How Japanese text is split. */
    public enum Mode {
        /** Kuromoji morphemes (surface forms). */
        MORPHEME,
        /** Single characters. */
        CHARACTER;

        /** "morpheme" or "character" (any case); anything else is refused, not defaulted. */
        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(s.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown Japanese token unit '" + s + "': use morpheme or character");
        }
    }

    private static volatile Tokenizer kuromoji; // loading the dictionary takes ~1 s; share it

    private final Mode mode;

    public JapaneseRougeTokenizer(Mode mode) {
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public List<String> tokenize(String text) {
        String normal = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        if (mode == Mode.CHARACTER) {
            normal.codePoints().filter(Character::isLetterOrDigit).forEach(cp -> tokens.add(Character.toString(cp)));
            return tokens;
        }
        for (Token t : kuromoji().tokenize(normal)) {
            String surface = t.getSurface();
            if (surface.codePoints().anyMatch(Character::isLetterOrDigit)) {
                tokens.add(surface);
            }
        }
        return tokens;
    }

    private static Tokenizer kuromoji() {
        Tokenizer t = kuromoji;
        if (t == null) {
            synchronized (JapaneseRougeTokenizer.class) {
                t = kuromoji;
                if (t == null) {
                    t = new Tokenizer();
                    kuromoji = t;
                }
            }
        }
        return t;
    }
}
