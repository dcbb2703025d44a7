package org.loralab.engine.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Japanese examples whose counts were worked out by hand. */
class JapaneseRougeTest {

    private static final JapaneseRougeTokenizer MORPHEMES = new JapaneseRougeTokenizer(JapaneseRougeTokenizer.Mode.MORPHEME);
    private static final JapaneseRougeTokenizer CHARS = new JapaneseRougeTokenizer(JapaneseRougeTokenizer.Mode.CHARACTER);

    @Test
    void kuromojiSplitsMorphemesAndDropsPunctuation() {
        assertEquals(List.of("東京", "は", "晴れ", "です"), MORPHEMES.tokenize("東京は晴れです。"));
        assertEquals(List.of("今日", "は", "雨"), MORPHEMES.tokenize("今日は、雨！"));
        assertEquals(List.of("ai", "の", "研究"), MORPHEMES.tokenize("ＡＩの研究")); // full-width Latin folded
    }

    @Test
    void characterModeKeepsLettersAndDigitsOnly() {
        assertEquals(List.of("東", "京", "は", "晴", "れ", "で", "す"), CHARS.tokenize("東京は 晴れです。"));
        assertEquals(List.of("3", "月"), CHARS.tokenize("３月"));
    }

    @Test
    void handCheckedMorphemeScores() {
        // target 東京|は|晴れ|です, prediction 東京|は|雨|です: 3 shared unigrams of 4 and 4;
        // bigrams 東京は shared, は晴れ/晴れです vs は雨/雨です not: 1 of 3; LCS 東京 は です = 3.
        RougeScorer s = new RougeScorer(List.of(RougeType.ROUGE_1, RougeType.ROUGE_2, RougeType.ROUGE_L), MORPHEMES);
        var r = s.score("東京は晴れです", "東京は雨です");
        assertEquals(Score.of(0.75, 0.75), r.get(RougeType.ROUGE_1));
        assertEquals(Score.of(1 / 3.0, 1 / 3.0), r.get(RougeType.ROUGE_2));
        assertEquals(Score.of(0.75, 0.75), r.get(RougeType.ROUGE_L));
    }

    @Test
    void handCheckedCharacterScores() {
        // 7 target characters, 6 predicted; shared 東 京 は で す = 5.
        RougeScorer s = new RougeScorer(List.of(RougeType.ROUGE_1), CHARS);
        assertEquals(Score.of(5 / 6.0, 5 / 7.0), s.score("東京は晴れです", "東京は雨です").get(RougeType.ROUGE_1));
    }

    @Test
    void theEnglishTokenizerErasesJapanese() {
        assertEquals(List.of(), new DefaultRougeTokenizer(true).tokenize("東京は晴れです"));
    }

    @Test
    void languageDetectionByScript() {
        assertEquals(Language.JAPANESE, Language.detect("The value is", "カタカナ"));
        assertEquals(Language.JAPANESE, Language.detect("漢字"));
        assertEquals(Language.ENGLISH, Language.detect("plain English, café", null));
        assertEquals(Language.JAPANESE, Language.parse("ja"));
        assertEquals(Language.DETECT, Language.parse("Auto"));
        assertEquals(Language.DETECT, Language.parse("detect"));
    }
}
