package org.loralab.engine.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.ModelFingerprint;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

class AdapterReferenceTest {

    @TempDir
    Path tmp;

    @Test
    void readsMetadataAndSurvivesTheSaveRoundTrip() throws Exception {
        Path base = new TinyCheckpoint().seed(3).write(tmp.resolve("base"));
        Path out = tmp.resolve("ja-weather");
        try (CausalLM model = CausalLM.load(base, new ModelOptions("cpu", "auto"));
                LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(4, 8, List.of("q_proj", "v_proj")), false, 1)) {
            AdapterMetadata meta = AdapterMetadata.create("lora").withFingerprint(ModelFingerprint.of(model.config()));
            meta.language = "ja";
            meta.domain = "weather";
            meta.metrics.put("train_loss", 1.25);
            AdapterWriter.write(a, meta, out, false);
        }

        AdapterReference ref = AdapterReference.read(out, "knime://knime.workflow/data/ja-weather", "demo", ModelConfig.load(base));
        assertEquals("ja", ref.details().get("Language"));
        assertEquals("weather", ref.details().get("Domain"));
        assertEquals("4", ref.details().get("Rank"));
        assertEquals("valid", ref.details().get("Status"));
        assertEquals("1.250", ref.details().get("Metric train_loss"));
        assertEquals("LoRA adapter ja-weather (ja, weather), rank 4", ref.summary());
        // Display order is kept: name first, metrics last.
        assertEquals("Name", ref.details().keySet().iterator().next());

        Map<String, String> saved = ref.toMap();
        AdapterReference back = AdapterReference.fromMap(saved);
        assertEquals(ref, back);
        assertEquals(List.copyOf(ref.details().keySet()), List.copyOf(back.details().keySet()));
        assertEquals("knime://knime.workflow/data/ja-weather", back.location());
        assertEquals(AdapterFingerprint.of(out), back.fingerprint());
    }

    private Path adapter(Path out, long seed) throws Exception {
        Path base = tmp.resolve("base");
        if (!Files.exists(base)) {
            new TinyCheckpoint().seed(3).write(base);
        }
        try (CausalLM model = CausalLM.load(base, new ModelOptions("cpu", "auto"));
                LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, List.of("q_proj")), false, seed)) {
            AdapterWriter.write(a, AdapterMetadata.create("lora"), out, true);
        }
        return out;
    }

    @Test
    void aMovedWorkflowFindsItsAdapterThroughTheSetting() throws Exception {
        Path oldPlace = adapter(tmp.resolve("old/workflow/data/a"), 1);
        AdapterReference ref = AdapterReference.read(oldPlace, "knime://knime.workflow/data/a", null, null);
        Path newWorkflow = tmp.resolve("new/workflow");
        Files.createDirectories(newWorkflow.getParent());
        Files.move(tmp.resolve("old/workflow"), newWorkflow); // the whole workflow folder moves
        AdapterReference.Resolver knime = s -> newWorkflow.resolve(s.substring("knime://knime.workflow/".length()));
        assertEquals(newWorkflow.resolve("data/a"), ref.locate(knime));
    }

    @Test
    void aMissingOrReplacedAdapterIsNamedWithWhatToDo() throws Exception {
        Path place = adapter(tmp.resolve("a"), 1);
        AdapterReference ref = AdapterReference.read(place, "bank/a", null, null);
        AdapterReference.Resolver unresolvable = s -> {
            throw new IllegalStateException("no workflow context");
        };
        assertEquals(place, ref.locate(unresolvable)); // the recorded folder still holds it
        adapter(place, 2); // another adapter written to the same place
        IllegalArgumentException changed = assertThrows(IllegalArgumentException.class, () -> ref.locate(unresolvable));
        assertTrue(changed.getMessage().contains("'bank/a'") && changed.getMessage().contains("has changed"), changed.getMessage());
        org.loralab.engine.io.AtomicFolders.deleteRecursively(place);
        IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> ref.locate(unresolvable));
        assertTrue(gone.getMessage().contains("no longer exists") && gone.getMessage().contains(place.toString())
                && gone.getMessage().contains("no workflow context"), gone.getMessage());
    }

    @Test
    void refusesAFolderThatIsNoAdapterAndAMapWithoutPath() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("not-an-adapter"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AdapterReference.read(empty, null, null, null));
        assertTrue(e.getMessage().contains("not-an-adapter"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AdapterReference.fromMap(Map.of("detail.Name", "x")));
    }
}
