package org.loralab.engine.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.PeftNames;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelFingerprint;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.Tables;

/** A FIFO, a link to /dev/zero or a null field in one adapter folder makes one invalid row, never a hang or a crash. */
class HostileBankEntriesTest {

    @TempDir
    Path tmp;

    private static void mkfifo(Path p) throws Exception {
        Files.deleteIfExists(p);
        assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).inheritIO().start().waitFor());
    }

    @Test
    void oneBadAdapterIsOneInvalidRow() throws Exception {
        AdapterBank bank = new AdapterBank(tmp.resolve("bank"));
        try (CausalLM model = CausalLM.load(new TinyCheckpoint().seed(1).write(tmp.resolve("base")), new ModelOptions("cpu", "auto"))) {
            for (String name : List.of("good", "fifo-weights", "fifo-config", "zero-sidecar", "null-fields")) {
                try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, List.of("q_proj")), false, 1)) {
                    bank.add(name, a, AdapterMetadata.create("lora").withFingerprint(ModelFingerprint.of(model.config())), false);
                }
            }
            Path dir = bank.dir();
            mkfifo(dir.resolve("fifo-weights").resolve(PeftNames.WEIGHTS_FILE));
            mkfifo(dir.resolve("fifo-config").resolve(LoraConfig.FILE));
            Files.delete(dir.resolve("zero-sidecar").resolve(AdapterMetadata.FILE));
            Files.createSymbolicLink(dir.resolve("zero-sidecar").resolve(AdapterMetadata.FILE), Path.of("/dev/zero"));
            Files.writeString(dir.resolve("null-fields").resolve(AdapterMetadata.FILE),
                    "{\"language\": null, \"metrics\": {\"train_loss\": null}, \"sources\": [null], "
                            + "\"baseModel\": {\"architecture\": null, \"hidden_size\": null}}");

            List<BankEntry> entries = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> bank.read(model.config(), ProgressListener.NONE), "listing a bank must not block on a FIFO");
            Map<String, BankEntry> byName = entries.stream().collect(Collectors.toMap(BankEntry::name, Function.identity()));
            assertEquals(5, entries.size());
            assertEquals(BankEntry.Status.VALID, byName.get("good").status());
            for (String bad : List.of("fifo-weights", "fifo-config", "zero-sidecar")) {
                BankEntry e = byName.get(bad);
                assertEquals(BankEntry.Status.INVALID, e.status(), bad);
                assertTrue(e.reason().contains(bad) && e.reason().contains("not a regular file"), e.reason());
            }
            assertEquals(BankEntry.Status.INVALID, byName.get("null-fields").status());
            assertTrue(byName.get("null-fields").reason().contains(AdapterMetadata.FILE), byName.get("null-fields").reason());
            try (BufferAllocator alloc = Tables.newAllocator("t"); VectorSchemaRoot t = BankTable.of(entries, alloc)) {
                assertEquals(5, t.getRowCount());
            }
        }
    }
}
