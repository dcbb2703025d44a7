package org.loralab.engine.merge;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.SafetensorsWriter;
import org.loralab.engine.lora.LoraAdapter;
import ai.djl.ndarray.NDScope;
import org.loralab.engine.io.FiniteTensors;
import org.loralab.engine.lora.LoraModule;
import org.loralab.engine.model.Bf16;
import org.loralab.engine.model.CausalLM;

/**
 * Writes base model plus adapter as one plain HF checkpoint (W + scaling·B·A in every adapted
 * layer): a model that needs no adapter at inference, loadable by transformers and by us. The
 * model is not changed: each merged weight is computed when it is written (delta in float32,
 * rounded once to the weight's dtype) and closed right after, so the job holds one merged layer
 * at a time.
 */
public final class MergedModelWriter {

    private MergedModelWriter() {
    }

    public static void write(CausalLM model, LoraAdapter adapter, Path baseDir, Path outDir, boolean overwrite) throws IOException {
        Map<String, LoraModule> byWeight = new HashMap<>();
        adapter.modules().forEach((path, mod) -> byWeight.put(path + ".weight", mod));
        Map<String, NDArray> weights = new LinkedHashMap<>(model.namedWeights());
        if (!weights.keySet().containsAll(byWeight.keySet())) {
            throw new IllegalArgumentException("the adapter names modules the model does not have");
        }
        AtomicFolders.write(outDir, overwrite, tmp -> {
            try (Stream<Path> files = Files.list(baseDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    if (!name.endsWith(".safetensors") && !name.equals("model.safetensors.index.json")) {
                        Files.copy(f, tmp.resolve(name));
                    }
                }
            }
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), weights, Map.of("format", "pt"), false,
                    (name, w) -> byWeight.containsKey(name) ? merged(w, byWeight.get(name), name) : w);
        });
    }

    /** {@code w + delta} in w's dtype, a new array; the delta and the float32 sum are closed at once. */
    private static NDArray merged(NDArray w, LoraModule mod, String name) {
        try (NDScope scope = new NDScope()) {
            // delta first: the sum goes to the delta's manager, as a cached model's weights take no new arrays
            NDArray sum = mod.deltaWeight().add(w); // float32 (or wider): rounded once below
            FiniteTensors.require(sum, name, "merging the adapter into the base model");
            NDArray out = Bf16.cast(sum, Bf16.dtypeOf(w));
            NDScope.unregister(out);
            scope.suppressNotUsedWarning();
            return out;
        }
    }
}
