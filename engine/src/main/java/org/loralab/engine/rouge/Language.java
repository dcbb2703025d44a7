package org.loralab.engine.rouge;

import java.util.Locale;

/** The language that picks a row's ROUGE tokenizer. */
public enum Language {
    ENGLISH,
    JAPANESE,
    /** Decided per text by script: Japanese when kana or CJK ideographs are present. */
    AUTO;

    /** Parses "en", "english", "ja", "japanese", "auto" (any case). */
    public static Language parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "en": case "eng": case "english": return ENGLISH;
            case "ja": case "jp": case "jpn": case "japanese": return JAPANESE;
            case "auto": case "": return AUTO;
            default:
                throw new IllegalArgumentException("unknown language '" + s + "': use en, ja or auto");
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
