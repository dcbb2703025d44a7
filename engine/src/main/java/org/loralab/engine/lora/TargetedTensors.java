package org.loralab.engine.lora;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which LoRA tensors of an adapter count: those of the modules its {@code target_modules} names,
 * as PEFT loads only those. One rule for the bank listing, Summarize, merging and continued
 * training: an adapter whose targets match none of its tensors would change nothing, so it is an
 * error naming the folder and the targets, never the base model run silently.
 *
 * @param modules module path to its {lora_A, lora_B} tensor names (either may be null: the callers say which is missing)
 * @param ignored tensors for modules the config does not target
 */
public record TargetedTensors(Map<String, String[]> modules, int ignored) {

    /**
     * @param folder the adapter folder, for the message
     * @param tensorNames the names in its {@value PeftNames#WEIGHTS_FILE}
     * @throws IllegalArgumentException for a tensor that is no LoRA A/B weight, or when no tensor is targeted
     */
    public static TargetedTensors of(Path folder, LoraConfig config, Collection<String> tensorNames) {
        Map<String, String[]> modules = new LinkedHashMap<>();
        TreeSet<String> untargeted = new TreeSet<>();
        int ignored = 0;
        for (String tensor : tensorNames) {
            String[] parsed = PeftNames.parse(tensor);
            if (parsed == null) {
                throw new IllegalArgumentException(folder + ": tensor '" + tensor + "' in " + PeftNames.WEIGHTS_FILE
                        + " is not a LoRA A/B weight; only LoRA on linear layers is supported");
            }
            if (!config.targets(parsed[0])) {
                ignored++; // PEFT loads only the modules the config targets
                untargeted.add(parsed[0]);
                continue;
            }
            modules.computeIfAbsent(parsed[0], k -> new String[2])[parsed[1].equals("lora_A") ? 0 : 1] = tensor;
        }
        if (modules.isEmpty()) {
            throw new IllegalArgumentException(folder + ": " + (ignored == 0 ? PeftNames.WEIGHTS_FILE + " holds no LoRA tensors"
                    : "target_modules " + targets(config) + " match none of its " + ignored + " LoRA tensors (they adapt "
                    + untargeted.first() + (untargeted.size() > 1 ? " and " + (untargeted.size() - 1) + " other module(s)" : "")
                    + "); PEFT would load none of them and the adapter would change nothing. Fix target_modules in "
                    + LoraConfig.FILE));
        }
        return new TargetedTensors(modules, ignored);
    }

    private static String targets(LoraConfig config) {
        return config.targetRegex() != null ? "'" + config.targetRegex() + "'" : String.valueOf(config.targetModules());
    }
}
