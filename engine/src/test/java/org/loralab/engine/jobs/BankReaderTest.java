package org.loralab.engine.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelFingerprint;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.params.BankParams;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.Tables;

/** The Bank Reader job: each row's location is the bank setting joined with its folder, or the connected adapter's own. */
class BankReaderTest {

    @TempDir
    static Path tmp;
    static CausalLM model;

    @BeforeAll
    static void setUp() throws Exception {
        model = CausalLM.load(new TinyCheckpoint().seed(1).write(tmp.resolve("base")), new ModelOptions("cpu", "auto"));
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    private static void addTiny(AdapterBank bank, String name) throws Exception {
        try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, List.of("q_proj")), false, 1)) {
            bank.add(name, a, AdapterMetadata.create("lora").withFingerprint(ModelFingerprint.of(model.config())), false);
        }
    }

    private static Map<String, String> locations(BankReader.Listing l) {
        List<String> names = Tables.strings(l.table(), "name");
        List<String> locs = Tables.strings(l.table(), "location");
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), locs.get(i));
        }
        return out;
    }

    @Test
    void locationsJoinTheBankSettingOrKeepTheConnectedAdapters() throws Exception {
        Path bankDir = tmp.resolve("bank");
        AdapterBank bank = new AdapterBank(bankDir);
        addTiny(bank, "en-a");
        AdapterBank elsewhere = new AdapterBank(tmp.resolve("elsewhere"));
        addTiny(elsewhere, "named");
        addTiny(elsewhere, "unnamed");
        Path named = tmp.resolve("elsewhere/named");
        Path unnamed = tmp.resolve("elsewhere/unnamed");
        Files.createDirectories(bankDir.resolve("broken")); // no adapter files: listed, not usable

        List<Path> connected = List.of(named, unnamed);
        Map<Path, String> connectedLocations = Map.of(named, "knime://knime.workflow/../named");
        try (BankReader.Listing l = BankReader.read(new BankParams("", "", false), bankDir, " knime://knime.workflow/../bank ",
                tmp.resolve("base"), connected, connectedLocations, new ProgressListener() { })) {
            Map<String, String> loc = locations(l);
            assertEquals(4, l.table().getRowCount(), loc.toString());
            assertEquals("knime://knime.workflow/../bank/en-a", loc.get("en-a"));
            assertEquals("knime://knime.workflow/../bank/broken", loc.get("broken"));
            assertEquals("knime://knime.workflow/../named", loc.get("named"));
            assertNull(loc.get("unnamed"));
            assertEquals(1, l.unusable());
        }
        try (BankReader.Listing l = BankReader.read(new BankParams("", "", true), bankDir, "/data/bank/", null, List.of(),
                Map.of(), new ProgressListener() { })) {
            assertEquals(Map.of("en-a", "/data/bank/en-a"), locations(l));
            assertEquals(0, l.unusable());
        }
    }
}
