package org.loralab.engine.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;

/** adapter_config.json keys read with PEFT's meaning (tuners_utils.check_target_module_exists, utils.other.get_pattern_key). */
class PeftConfigSemanticsTest {

    private static final String Q0 = "model.layers.0.self_attn.q_proj";
    private static final String V0 = "model.layers.0.self_attn.v_proj";
    private static final String K0 = "model.layers.0.self_attn.k_proj";

    private static LoraConfig parse(String extra) {
        return LoraConfig.fromPeftJson(json(extra));
    }

    private static JsonObject json(String extra) {
        return json("[\"q_proj\",\"k_proj\",\"v_proj\"]", extra);
    }

    private static JsonObject json(String targets, String extra) {
        return JsonParser.parseString("{\"peft_type\":\"LORA\",\"r\":8,\"lora_alpha\":16,"
                + "\"target_modules\":" + targets + extra + "}").getAsJsonObject();
    }

    private static LoraConfig targeting(String targets, String extra) {
        return LoraConfig.fromPeftJson(json(targets, extra));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"alora_invocation_tokens\":[27, 91, 882]", "\"layer_replication\":[[0, 2], [1, 2]]",
        "\"arrow_config\":{\"top_k\":3}", "\"use_qalora\":true", "\"target_parameters\":[\"mlp.experts.down_proj\"]",
        "\"trainable_token_indices\":[5, 7]", "\"use_bdlora\":{\"lora_a_is_blockdiagonal\":[\"o_proj\"]}"})
    void variantsThatAreNotPlainLoraAreRefusedByName(String setting) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("," + setting));
        String key = setting.substring(1, setting.indexOf('"', 1));
        assertTrue(e.getMessage().startsWith(key + " is set"), e.getMessage());
    }

    @Test
    void theBankListsSuchAnAdapterAsInvalidNamingTheVariant(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(LoraConfig.FILE), json(",\"alora_invocation_tokens\":[27, 91]").toString());
        BankEntry e = AdapterBank.inspect(dir, null);
        assertEquals(BankEntry.Status.INVALID, e.status());
        assertTrue(e.reason().contains("alora_invocation_tokens is set"), e.reason());
    }

    @Test
    void variantKeysAtPeftDefaultsAreAccepted() {
        parse(",\"alora_invocation_tokens\":null,\"layer_replication\":null,\"arrow_config\":null,\"use_qalora\":false,"
                + "\"target_parameters\":null,\"trainable_token_indices\":null,\"use_bdlora\":null,\"kasa_config\":null");
    }

    @Test
    void aPatternKeyWithAlternationIsOneGroup() {
        LoraConfig c = parse(",\"rank_pattern\":{\"q_proj|v_proj\":4},\"alpha_pattern\":{\"q_proj|v_proj\":2}");
        assertEquals(4, c.rankFor(Q0));
        assertEquals(4, c.rankFor(V0));
        assertEquals(8, c.rankFor(K0));
        assertEquals(2 / 4.0, c.scalingFor(V0), 0);
        // PEFT anchors the key at a dot: "proj" is no key of ...q_proj.
        assertEquals(8, parse(",\"rank_pattern\":{\"proj\":4}").rankFor(Q0));
    }

    @Test
    void theFirstMatchingPatternKeyInFileOrderWins() {
        // Many overlapping keys: a hash-ordered map would put another one first in almost every JVM.
        StringBuilder keys = new StringBuilder("\"layers.0.self_attn.v_proj\":1");
        String[] more = {"v_proj", "self_attn.v_proj", "0.self_attn.v_proj", ".*v_proj", "model.layers.0.self_attn.v_proj",
            "(v|q)_proj", ".*_proj", "[a-z]_proj"};
        for (int i = 0; i < more.length; i++) {
            keys.append(",\"").append(more[i].replace("\\", "\\\\")).append("\":").append(i + 2);
        }
        LoraConfig c = parse(",\"alpha_pattern\":{" + keys + "}");
        assertEquals(1.0 / 8, c.scalingFor(V0), 0);
        assertEquals(7.0 / 8, c.scalingFor(Q0), 0); // (v|q)_proj is the first key matching q_proj
        assertEquals("layers.0.self_attn.v_proj", c.alphaPattern().keySet().iterator().next());
        assertEquals(c.alphaPattern(), LoraConfig.fromPeftJson(c.toPeftJson()).alphaPattern());
        assertEquals(List.copyOf(c.alphaPattern().keySet()),
                List.copyOf(LoraConfig.fromPeftJson(c.toPeftJson()).alphaPattern().keySet()));
    }

    @Test
    void excludeModulesAsListOrRegexRemovesModules() {
        LoraConfig list = parse(",\"exclude_modules\":[\"k_proj\",\"model.layers.1.self_attn.q_proj\"]");
        assertTrue(list.targets(Q0));
        assertFalse(list.targets(K0));
        assertFalse(list.targets("model.layers.1.self_attn.q_proj"));
        LoraConfig regex = parse(",\"exclude_modules\":\".*layers\\\\.0\\\\..*\"");
        assertFalse(regex.targets(Q0));
        assertTrue(regex.targets("model.layers.1.self_attn.q_proj"));
        assertEquals(regex, LoraConfig.fromPeftJson(regex.toPeftJson()));
    }

    @Test
    void fanInFanOutIsAcceptedAsPeftDoesForLinearLayers() {
        assertTrue(parse(",\"fan_in_fan_out\":true").targets(Q0));
    }

    /** PEFT checks the "all-linear" shorthand (lower-cased) before matching a string target_modules as a regex. */
    @ParameterizedTest
    @ValueSource(strings = {"all-linear", "ALL-LINEAR", "All-Linear"})
    void allLinearIsEveryProjectionButTheOutputLayer(String shorthand) {
        LoraConfig c = targeting("\"" + shorthand + "\"", "");
        for (String path : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")) {
            assertTrue(c.targets("model.layers.3." + path), path);
        }
        assertFalse(c.targets("lm_head"));
        assertFalse(c.targets("model.embed_tokens"));
        assertEquals(c, LoraConfig.fromPeftJson(c.toPeftJson()));
    }

    @Test
    void allLinearStillHonoursLayersAndExclusions() {
        LoraConfig c = targeting("\"all-linear\"", ",\"layers_to_transform\":[1],\"exclude_modules\":[\"v_proj\"]");
        assertFalse(c.targets(Q0));
        assertTrue(c.targets("model.layers.1.self_attn.q_proj"));
        assertFalse(c.targets("model.layers.1.self_attn.v_proj"));
    }

    @Test
    void anyOtherStringIsARegexOverTheWholePath() {
        assertFalse(targeting("\"q_proj\"", "").targets(Q0)); // re.fullmatch, not a suffix
        assertTrue(targeting("\".*\\\\.q_proj\"", "").targets(Q0));
        // Python's "ALL-L\u0130NEAR".lower() is no "all-linear" (the dotted I lowers to two characters)
        assertFalse(targeting("\"ALL-L\u0130NEAR\"", "").allLinear());
        assertFalse(targeting("[\"all-linear\"]", "").targets(Q0)); // the shorthand is a string, not a list entry
    }
}
