package org.loralab.engine.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PorterStemmerTest {

    private final PorterStemmer stemmer = new PorterStemmer();

    @Test
    void nltkHowtoExample() {
        // The example of NLTK's stem howto, whose output is printed there for the default mode.
        String[] words = {"caresses", "flies", "dies", "mules", "denied", "died", "agreed", "owned", "humbled", "sized",
            "meeting", "stating", "siezing", "itemization", "sensational", "traditional", "reference", "colonizer", "plotted"};
        String expected = "caress fli die mule deni die agre own humbl size meet state siez item sensat tradit refer colon plot";
        StringBuilder got = new StringBuilder();
        for (String w : words) {
            got.append(got.length() == 0 ? "" : " ").append(stemmer.stem(w));
        }
        assertEquals(expected, got.toString());
    }

    @Test
    void porterPaperExamples() {
        String[][] pairs = {
            {"ponies", "poni"}, {"caress", "caress"}, {"cats", "cat"}, {"feed", "feed"}, {"plastered", "plaster"},
            {"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"}, {"hopping", "hop"}, {"tanned", "tan"},
            {"falling", "fall"}, {"hissing", "hiss"}, {"fizzed", "fizz"}, {"failing", "fail"}, {"filing", "file"},
            {"happy", "happi"}, {"sky", "sky"}, {"relational", "relat"}, {"conditional", "condit"}, {"rational", "ration"},
            {"digitizer", "digit"}, {"operator", "oper"}, {"hopefulness", "hope"}, {"goodness", "good"},
            {"adjustable", "adjust"}, {"adoption", "adopt"}, {"controll", "control"}, {"roll", "roll"},
            {"probate", "probat"}, {"rate", "rate"}, {"cease", "ceas"}, {"generalizations", "gener"},
        };
        for (String[] p : pairs) {
            assertEquals(p[1], stemmer.stem(p[0]), p[0]);
        }
    }

    @Test
    void nltkExtensions() {
        assertEquals("enjoy", stemmer.stem("enjoy")); // y -> i only after a consonant
        assertEquals("news", stemmer.stem("news")); // irregular forms
        assertEquals("die", stemmer.stem("dying"));
        assertEquals("geolog", stemmer.stem("geology")); // 'logi' keeps its 'l'
        assertEquals("is", stemmer.stem("is")); // two letters or fewer are left alone
        assertEquals(2, PorterStemmer.measure("troubles"));
        assertEquals(0, PorterStemmer.measure("tree"));
    }
}
