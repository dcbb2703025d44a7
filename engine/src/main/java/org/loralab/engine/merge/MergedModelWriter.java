package org.loralab.engine.merge;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.SafetensorsWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.model.CausalLM;

/**
 * Writes base model plus adapter as one plain HF checkpoint (W + scaling·B·A in every adapted
 * layer): a model that needs no adapter at inference, loadable by transformers and by us.
 */
public final class MergedModelWriter {

    private MergedModelWriter() {
    }

    public static void write(CausalLM model, LoraAdapter adapter, Path baseDir, Path outDir, boolean overwrite) throws IOException {
        Map<String, NDArray> replaced = adapter.mergeInto(model);
        try {
            AtomicFolders.write(outDir, overwrite, tmp -> {
                try (Stream<Path> files = Files.list(baseDir)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        String name = f.getFileName().toString();
                        if (!name.endsWith(".safetensors") && !name.equals("model.safetensors.index.json")) {
                            Files.copy(f, tmp.resolve(name));
                        }
                    }
                }
                Map<String, NDArray> weights = new LinkedHashMap<>(model.namedWeights());
                SafetensorsWriter.write(tmp.resolve("model.safetensors"), weights, Map.of("format", "pt"));
            });
        } finally {
            LoraAdapter.unmerge(model, replaced);
        }
    }

}
