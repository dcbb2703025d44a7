package org.loralab.engine.lora;

import org.loralab.engine.io.FiniteTensors;
import java.io.IOException;
import java.nio.file.Path;
import org.loralab.engine.io.AtomicFolders;

/** Writes an adapter folder (PEFT files plus sidecar) atomically: readers never see half an adapter. */
public final class AdapterWriter {

    private AdapterWriter() {
    }

    /**
     * @param overwrite replace an existing folder; otherwise an existing {@code dir} is an error
     */
    public static void write(LoraAdapter adapter, AdapterMetadata metadata, Path dir, boolean overwrite) throws IOException {
        FiniteTensors.require(adapter.parameters(), dir.toString()); // a NaN adapter is no result
        AtomicFolders.write(dir, overwrite, tmp -> {
            adapter.saveFiles(tmp);
            if (metadata != null) {
                if (metadata.name == null) {
                    metadata.name = dir.getFileName().toString();
                }
                metadata.save(tmp);
            }
        });
    }
}
