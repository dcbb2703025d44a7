package org.loralab.engine.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.ModelFingerprint;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.Tables;

class AdapterBankTest {

    @TempDir
    static Path tmp;
    static CausalLM model;
    static ModelConfig other;

    @BeforeAll
    static void setUp() throws Exception {
        model = CausalLM.load(new TinyCheckpoint().seed(1).write(tmp.resolve("base")), new ModelOptions("cpu", "auto"));
        other = ModelConfig.load(new TinyCheckpoint().hiddenSize(32).heads(4, 2).write(tmp.resolve("other")));
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    private static AdapterMetadata meta(String lang, String domain) {
        AdapterMetadata m = AdapterMetadata.create("lora").withFingerprint(ModelFingerprint.of(model.config()));
        m.language = lang;
        m.domain = domain;
        m.task = "summarization";
        m.metrics.put("train_loss", 1.5);
        return m;
    }

    private static void addTiny(AdapterBank bank, String name, List<String> targets) throws Exception {
        try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, targets), false, 1)) {
            bank.add(name, a, meta("en", "news"), false);
        }
    }

    @Test
    void readsMetadataFlagsIncompatibleAndInvalidAndKeepsGoing() throws Exception {
        AdapterBank bank = new AdapterBank(tmp.resolve("bank1"));
        addTiny(bank, "en-weather", List.of("q_proj", "v_proj"));
        addTiny(bank, "ja-medical", List.of("o_proj"));
        // A PEFT adapter without sidecar.
        Path peft = tmp.resolve("bank1/peft-only");
        try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(4, 8, List.of("down_proj")), false, 2)) {
            a.saveFiles(peft);
        }
        // Corruptions: truncated weights, config without r, a shape that disagrees with the config.
        Path truncated = tmp.resolve("bank1/truncated");
        copy(tmp.resolve("bank1/en-weather"), truncated);
        byte[] bytes = Files.readAllBytes(truncated.resolve("adapter_model.safetensors"));
        Files.write(truncated.resolve("adapter_model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        Path noRank = tmp.resolve("bank1/no-rank");
        copy(tmp.resolve("bank1/en-weather"), noRank);
        Files.writeString(noRank.resolve("adapter_config.json"), Files.readString(noRank.resolve("adapter_config.json")).replace("\"r\": 2,", ""));
        Path wrongRank = tmp.resolve("bank1/wrong-rank");
        copy(tmp.resolve("bank1/en-weather"), wrongRank);
        Files.writeString(wrongRank.resolve("adapter_config.json"), Files.readString(wrongRank.resolve("adapter_config.json")).replace("\"r\": 2,", "\"r\": 3,"));
        Files.createDirectories(tmp.resolve("bank1/.en-weather.tmp-123")); // a writer's temp folder: not listed

        List<BankEntry> entries = bank.read(model.config(), ProgressListener.NONE);
        assertEquals(List.of("en-weather", "ja-medical", "no-rank", "peft-only", "truncated", "wrong-rank"),
                entries.stream().map(BankEntry::name).toList());
        BankEntry weather = entries.get(0);
        assertTrue(weather.usable());
        assertEquals("en", weather.language());
        assertEquals("news", weather.domain());
        assertEquals(2, weather.rank());
        assertEquals(List.of("q_proj", "v_proj"), weather.targetModules());
        assertEquals(2L * (2 * (64 + 64) + 2 * (64 + 32)), weather.parameterCount());
        assertEquals(1.5, weather.metrics().get("train_loss"));
        BankEntry peftOnly = entries.get(3);
        assertTrue(peftOnly.usable());
        assertNull(peftOnly.language());
        assertEquals(BankEntry.Status.INVALID, entries.get(2).status());
        assertTrue(entries.get(2).reason().contains("missing key 'r'"), entries.get(2).reason());
        assertEquals(BankEntry.Status.INVALID, entries.get(4).status());
        assertTrue(entries.get(4).reason().contains("adapter_model.safetensors"), entries.get(4).reason());
        assertEquals(BankEntry.Status.INVALID, entries.get(5).status());
        assertTrue(entries.get(5).reason().contains("the config's rank for it is 3"), entries.get(5).reason());

        // Against another base model: sidecar fingerprints and shapes both disagree.
        List<BankEntry> vsOther = bank.read(other, ProgressListener.NONE);
        assertEquals(BankEntry.Status.INCOMPATIBLE, vsOther.get(0).status());
        assertTrue(vsOther.get(0).reason().contains("hidden size 64 ≠ 32"), vsOther.get(0).reason());
        assertEquals(BankEntry.Status.INCOMPATIBLE, vsOther.get(3).status());
        assertTrue(vsOther.get(3).reason().contains("projection"), vsOther.get(3).reason());

        try (BufferAllocator alloc = Tables.newAllocator("bank"); VectorSchemaRoot t = BankTable.of(entries, alloc)) {
            assertEquals(6, t.getRowCount());
            assertEquals("valid", Tables.strings(t, "status").get(0));
            assertEquals(1.5, Tables.doubles(t, "metric_train_loss")[0]);
            assertTrue(Double.isNaN(Tables.doubles(t, "metric_train_loss")[3]));
            assertEquals(Tables.strings(t, "path"), Tables.strings(t, BankTable.LOCATION), "without settings, the path is the location");
        }
        // with the settings they were read through (a KNIME URL) the table can find them again after a move
        List<String> locations = new java.util.ArrayList<>();
        entries.forEach(e -> locations.add("knime://knime.workflow/../bank/" + e.name()));
        locations.set(1, null); // kept in a workflow's file store: no lasting place
        try (BufferAllocator alloc = Tables.newAllocator("bank"); VectorSchemaRoot t = BankTable.of(entries, java.util.Set.of(), locations, alloc)) {
            assertEquals(locations, Tables.strings(t, BankTable.LOCATION));
            assertEquals(entries.get(1).path().toString(), Tables.strings(t, "path").get(1));
        }
    }

    @Test
    void namesMustBePortableAndStayInsideTheBank() throws Exception {
        AdapterBank bank = new AdapterBank(tmp.resolve("bank2"));
        for (String bad : new String[] {"../escape", "a/b", "..", ".hidden", "with space", "ümlaut", "CON", "", "x".repeat(101)}) {
            assertThrows(IllegalArgumentException.class, () -> addTiny(bank, bad, List.of("q_proj")), bad);
        }
        assertTrue(Files.notExists(tmp.resolve("escape")));
        addTiny(bank, "ok_name-1.v2", List.of("q_proj"));
        assertEquals("ok_name-1.v2-2", bank.uniqueName("ok_name-1.v2"));
        assertThrows(FileAlreadyExistsException.class, () -> addTiny(bank, "ok_name-1.v2", List.of("q_proj")));
        try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(3, 4, List.of("k_proj")), false, 1)) {
            bank.add("ok_name-1.v2", a, null, true); // explicit overwrite
        }
        assertEquals(3, bank.read(null, ProgressListener.NONE).get(0).rank());
    }

    @Test
    void concurrentWritersNeverCorruptTheBank() throws Exception {
        AdapterBank bank = new AdapterBank(tmp.resolve("bank3"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger wonSameName = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                try {
                    addTiny(bank, "same", List.of("q_proj"));
                    wonSameName.incrementAndGet();
                } catch (FileAlreadyExistsException expected) {
                    // exactly one writer may win
                }
                addTiny(bank, "own-" + n, List.of("v_proj"));
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertEquals(1, wonSameName.get());
        List<BankEntry> entries = bank.read(model.config(), ProgressListener.NONE);
        assertEquals(13, entries.size());
        assertTrue(entries.stream().allMatch(BankEntry::usable));
        try (Stream s = new Stream(Files.list(tmp.resolve("bank3")))) {
            assertTrue(s.files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")));
        }
    }

    @Test
    void hundredsOfAdaptersAreListedQuickly() throws Exception {
        AdapterBank bank = new AdapterBank(tmp.resolve("bank4"));
        try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, List.of("q_proj")), false, 1)) {
            a.saveFiles(tmp.resolve("proto"));
        }
        for (int i = 0; i < 300; i++) {
            bank.addCopy(String.format("adapter-%03d", i), tmp.resolve("proto"), false);
        }
        long t0 = System.nanoTime();
        List<BankEntry> entries = bank.read(model.config(), ProgressListener.NONE);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(300, entries.size());
        assertTrue(entries.stream().allMatch(BankEntry::usable));
        // Generous bound: well under a second of work per adapter (it is about a millisecond).
        assertTrue(seconds < 30, "listing took " + seconds + " s");
    }

    @Test
    void missingBankFolderIsNamed() {
        Exception e = assertThrows(java.nio.file.NoSuchFileException.class,
                () -> new AdapterBank(tmp.resolve("nope")).read(null, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("nope"));
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path f : s.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /** Closes a file listing. */
    private record Stream(java.util.stream.Stream<Path> files) implements AutoCloseable {
        @Override
        public void close() {
            files.close();
        }
    }

}
