package org.loralab.engine.bank;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.SafetensorsFile;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.PeftNames;
import org.loralab.engine.lora.TargetedTensors;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.ModelFingerprint;

/**
 * Reads and checks one adapter folder from its files alone (config, safetensors header, sidecar):
 * no tensor data is read and no model is loaded, so a bank of hundreds lists quickly.
 */
final class AdapterInspector {

    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(\\w+)");

    private AdapterInspector() {
    }

    /** Never throws: whatever is wrong with one folder becomes that folder's invalid row. */
    static BankEntry inspect(Path dir, ModelConfig base) {
        try {
            return inspectOrThrow(dir, base);
        } catch (RuntimeException e) {
            return BankEntry.invalid(dir.getFileName().toString(), dir, sizeOnDisk(dir), String.valueOf(e.getMessage()));
        }
    }

    private static BankEntry inspectOrThrow(Path link, ModelConfig base) {
        String name = link.getFileName().toString();
        Path dir = link;
        try {
            dir = AtomicFolders.resolveForReading(link); // one version throughout, even while it is being replaced
        } catch (IOException e) {
            return BankEntry.invalid(name, link, 0, link + ": " + e.getMessage());
        }
        long size = sizeOnDisk(dir);
        LoraConfig config;
        SafetensorsFile weights;
        AdapterMetadata meta;
        try {
            config = LoraConfig.load(dir);
            Path file = dir.resolve(PeftNames.WEIGHTS_FILE);
            if (!Files.exists(file)) {
                return BankEntry.invalid(name, link, size, "no " + PeftNames.WEIGHTS_FILE);
            }
            weights = SafetensorsFile.open(file);
            meta = AdapterMetadata.load(dir);
        } catch (IOException | RuntimeException e) {
            return BankEntry.invalid(name, link, size, e.getMessage());
        }
        TargetedTensors targeted;
        try {
            targeted = TargetedTensors.of(link, config, weights.tensors().keySet()); // the rule loading applies too
        } catch (IllegalArgumentException e) {
            return BankEntry.invalid(name, link, size, e.getMessage());
        }
        long params = 0;
        Map<String, long[][]> pairs = new TreeMap<>(); // module -> {A shape, B shape}
        int ignored = targeted.ignored();
        for (Map.Entry<String, String[]> module : targeted.modules().entrySet()) {
            for (int ab = 0; ab < 2; ab++) {
                String tensor = module.getValue()[ab];
                if (tensor == null) {
                    continue;
                }
                long[] shape = weights.tensors().get(tensor).shape();
                if (shape.length != 2) {
                    return BankEntry.invalid(name, link, size, "tensor '" + tensor + "' has shape " + Arrays.toString(shape) + ", expected a matrix");
                }
                pairs.computeIfAbsent(module.getKey(), k -> new long[2][])[ab] = shape;
                params += shape[0] * shape[1];
            }
        }
        for (Map.Entry<String, long[][]> p : pairs.entrySet()) {
            String module = p.getKey();
            long[][] ab = p.getValue();
            if (ab[0] == null || ab[1] == null) {
                return BankEntry.invalid(name, link, size, module + ": lora_" + (ab[0] == null ? "A" : "B") + " is missing");
            }
            int r = config.rankFor(module);
            if (ab[0][0] != r || ab[1][1] != r) {
                return BankEntry.invalid(name, link, size, module + ": lora_A is " + Arrays.toString(ab[0]) + " and lora_B "
                        + Arrays.toString(ab[1]) + ", but the config's rank for it is " + r);
            }
        }
        BankEntry entry = new BankEntry(name, link, BankEntry.Status.VALID, null,
                config.baseModel(), config.r(), config.alpha(),
                config.targetRegex() != null ? List.of(config.targetRegex()) : config.targetModules(),
                meta == null ? null : meta.language, meta == null ? null : meta.domain, meta == null ? null : meta.task,
                meta == null ? null : meta.description, meta == null ? null : meta.method, params, size,
                meta == null ? Map.of() : meta.metrics, meta == null ? null : meta.created);
        if (ignored > 0) {
            entry = entry.withStatus(BankEntry.Status.VALID, ignored + " tensor(s) for modules that target_modules does not"
                    + " name are ignored, as PEFT ignores them");
        }
        if (base == null) {
            return entry;
        }
        List<String> why = new ArrayList<>();
        ModelFingerprint fingerprint = ModelFingerprint.of(base);
        if (meta != null && meta.fingerprint() != null) {
            why.addAll(fingerprint.differences(meta.fingerprint()));
        }
        if (why.isEmpty()) {
            for (Map.Entry<String, long[][]> p : pairs.entrySet()) {
                String problem = shapeProblem(p.getKey(), p.getValue(), base);
                if (problem != null) {
                    why.add(problem);
                    break;
                }
            }
        }
        return why.isEmpty() ? entry : entry.withStatus(BankEntry.Status.INCOMPATIBLE, String.join("; ", why));
    }

    /** Whether module's A (r, in) and B (out, r) fit the base model's layer shapes. */
    private static String shapeProblem(String module, long[][] ab, ModelConfig c) {
        Matcher m = LAYER.matcher(module);
        if (!m.matches()) {
            return "module " + module + " is not a decoder-layer projection of this model";
        }
        int layer = Integer.parseInt(m.group(1));
        if (layer >= c.numLayers()) {
            return "module " + module + " is beyond the model's " + c.numLayers() + " layers";
        }
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long ff = c.intermediateSize();
        long[] inOut = switch (m.group(3)) {
            case "q_proj" -> new long[] {h, q};
            case "k_proj", "v_proj" -> new long[] {h, kv};
            case "o_proj" -> new long[] {q, h};
            case "gate_proj", "up_proj" -> new long[] {h, ff};
            case "down_proj" -> new long[] {ff, h};
            default -> null;
        };
        if (inOut == null) {
            return "module " + module + " is not a projection this model has";
        }
        if (ab[0][1] != inOut[0] || ab[1][0] != inOut[1]) {
            return module + " adapts a " + ab[0][1] + "→" + ab[1][0] + " projection, the base model's is "
                    + inOut[0] + "→" + inOut[1];
        }
        return null;
    }

    static long sizeOnDisk(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
