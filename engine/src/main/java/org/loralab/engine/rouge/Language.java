package org.loralab.engine.rouge;

import java.util.Locale;

/** The language that picks a row's ROUGE tokenizer. */
public enum Language {
    /** rouge-score's default tokenizer: what its users expect, so the default. */
    ENGLISH,
    JAPANESE,
    /**
     * Decided per row by script: Japanese when kana or CJK ideographs are present. Only on request,
     * since one such character in an English row would switch it to the Japanese tokenizer.
     */
    DETECT;

    /** Parses "en", "english", "ja", "japanese", "detect" or its older name "auto" (any case). */
    public static Language parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "en": case "eng": case "english": return ENGLISH;
            case "ja": case "jp": case "jpn": case "japanese": return JAPANESE;
            case "detect": case "auto": return DETECT;
            default:
                throw new IllegalArgumentException("unknown language '" + s + "': use en, ja or detect");
        }
    }

    /** Japanese when the texts contain any hiragana, katakana or CJK ideograph. */
    public static Language detect(String... texts) {
        for (String text : texts) {
            if (text != null && text.codePoints().anyMatch(Language::isJapaneseScript)) {
                return JAPANESE;
            }
        }
        return ENGLISH;
    }

    private static boolean isJapaneseScript(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HIRAGANA || s == Character.UnicodeScript.KATAKANA
                || s == Character.UnicodeScript.HAN;
    }
}
