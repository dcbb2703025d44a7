package org.loralab.engine.rouge;

import java.util.List;

/** Splits a text into the tokens that ROUGE counts. Implementations are thread-safe. */
public interface RougeTokenizer {

    List<String> tokenize(String text);
}
