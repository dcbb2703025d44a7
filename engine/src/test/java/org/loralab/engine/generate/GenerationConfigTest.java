package org.loralab.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationConfigTest {

    @TempDir
    Path dir;

    private GenerationConfig read(String json) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), json);
        return GenerationConfig.fromModelFolder(dir);
    }

    @Test
    void readsTheKeysTransformersWrites() throws IOException {
        GenerationConfig g = read("{\"do_sample\": true, \"temperature\": 0.7, \"top_p\": 0.8, \"top_k\": 20,"
                + " \"repetition_penalty\": 1.05, \"eos_token_id\": [151645, 151643], \"pad_token_id\": 151643,"
                + " \"max_new_tokens\": 64, \"transformers_version\": \"4.51.0\", \"bos_token_id\": null}");
        assertTrue(g.doSample());
        assertEquals(0.7, g.temperature());
        assertEquals(0.8, g.topP());
        assertEquals(20, g.topK());
        assertEquals(1.05, g.repetitionPenalty());
        assertEquals(List.of(151645L, 151643L), g.eosTokenIds());
        assertEquals(151643L, g.padTokenId());
        assertEquals(64, g.maxNewTokens());
        assertEquals(List.of(2L), read("{\"eos_token_id\": 2}").eosTokenIds());
        assertNull(read("{\"pad_token_id\": -1}").padTokenId(), "old Llama configs: transformers only warns");
    }

    @Test
    void samplingWithoutTopKKeepsTransformersDefaultOf50() throws IOException {
        assertEquals(50, read("{\"do_sample\": true, \"temperature\": 0.6}").topK());
        assertEquals(50, GenerationConfig.greedy().topK());
        assertEquals(50, GenerationConfig.fromModelFolder(dir.resolve("absent")).topK());
        assertEquals(0, read("{\"top_k\": 0}").topK(), "an explicit 0 turns top-k off, as in transformers");
        // 60 equally likely tokens: with the default only the first 50 (ties keep the lower ids) are ever drawn.
        float[] flat = new float[60];
        Random r = new Random(3);
        boolean[] drawn = new boolean[60];
        for (int i = 0; i < 20_000; i++) {
            drawn[TokenSampler.sample(flat, GenerationConfig.greedy().doSample(true), r)] = true;
        }
        for (int t = 0; t < 60; t++) {
            assertEquals(t < 50, drawn[t], "token " + t);
        }
    }

    @Test
    void wrongTypesAndOutOfRangeNumbersNameTheFileAndKey() {
        String[][] cases = {
            {"{\"max_new_tokens\": 4294967299}", "max_new_tokens"}, // 2^32 + 3 must not become 3
            {"{\"max_new_tokens\": 12.5}", "max_new_tokens"},
            {"{\"do_sample\": \"true\"}", "do_sample"},
            {"{\"do_sample\": 1}", "do_sample"},
            {"{\"temperature\": \"0.7\"}", "temperature"},
            {"{\"top_k\": 1e400}", "top_k"},
            {"{\"repetition_penalty\": [1.1]}", "repetition_penalty"},
            {"{\"eos_token_id\": [2, 3.5]}", "eos_token_id"},
            {"{\"eos_token_id\": -2}", "eos_token_id"},
            {"{\"pad_token_id\": \"0\"}", "pad_token_id"},
            {"{\"num_beams\": 9223372036854775808}", "num_beams"},
        };
        for (String[] c : cases) {
            IOException e = assertThrows(IOException.class, () -> read(c[0]), c[0]);
            assertTrue(e.getMessage().contains("generation_config.json") && e.getMessage().contains("'" + c[1] + "'"),
                    c[0] + " -> " + e.getMessage());
        }
        IOException nan = assertThrows(IOException.class, () -> read("{\"temperature\": NaN}"));
        assertTrue(nan.getMessage().contains("generation_config.json"), nan.getMessage());
    }

    /** A tiny temperature or penalty divides the scores into infinity: refused before generating, naming the setting. */
    @Test
    void divisorsOfTheScoresAreBounded() {
        GenerationConfig ok = GenerationConfig.greedy().temperature(1e-4).repetitionPenalty(1e4);
        ok.validate();
        for (GenerationConfig g : List.of(GenerationConfig.greedy().repetitionPenalty(1e-308),
                GenerationConfig.greedy().repetitionPenalty(1e5), GenerationConfig.greedy().temperature(1e-308))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::validate);
            assertTrue(e.getMessage().contains("repetition penalty") || e.getMessage().contains("temperature"), e.getMessage());
        }
    }

    @Test
    void stopTokensAreGenerationConfigsElseModelConfigsElseTheTokenizers() {
        assertEquals(List.of(7L, 8L), TextGenerator.stopTokens(List.of(7L, 8L, 7L), List.of(1L), List.of(2L)));
        assertEquals(List.of(1L), TextGenerator.stopTokens(List.of(), List.of(1L), List.of(2L)));
        assertEquals(List.of(2L), TextGenerator.stopTokens(List.of(), List.of(), List.of(2L)));
    }
}
