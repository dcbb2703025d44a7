package org.loralab.engine.lora;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEFT's tensor names in adapter_model.safetensors for a causal LM. */
public final class PeftNames {

    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** LoRA-TRF's filter tensors: kept out of the PEFT file so PEFT still loads the adapter. */
    public static final String FILTER_FILE = "loralab_filter.safetensors";
    private static final String PREFIX = "base_model.model.";
    // Optional adapter name before .weight ("lora_A.default.weight") as some PEFT versions wrote it.
    private static final Pattern LORA_KEY = Pattern.compile("(?:base_model\\.model\\.)?(.+)\\.(lora_A|lora_B)(?:\\.[A-Za-z0-9_-]+)?\\.weight");

    private PeftNames() {
    }

    public static String loraA(String modulePath) {
        return PREFIX + modulePath + ".lora_A.weight";
    }

    public static String loraB(String modulePath) {
        return PREFIX + modulePath + ".lora_B.weight";
    }

    public static String filterWeight(String modulePath) {
        return PREFIX + modulePath + ".lora_filter.weight";
    }

    public static String filterBias(String modulePath) {
        return PREFIX + modulePath + ".lora_filter.bias";
    }

    /** The module path and "lora_A"/"lora_B" of a PEFT tensor name, or null when it is not one. */
    public static String[] parse(String tensorName) {
        Matcher m = LORA_KEY.matcher(tensorName);
        return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
    }
}
