package org.loralab.engine.train;

import java.util.List;
import java.util.ArrayList;
import com.google.gson.JsonElement;
import org.loralab.engine.model.ModelFingerprint;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.io.BoundedFiles;
import org.loralab.engine.io.StrictJson;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.SafetensorsFile;
import org.loralab.engine.io.SafetensorsWriter;
import org.loralab.engine.lora.LoraAdapter;

/**
 * A resumable snapshot of training in {@code <dir>/checkpoint}: the adapter (PEFT files), AdamW's
 * moments, the best weights so far, and trainer_state.json. The folder is replaced atomically, so
 * an interruption while saving leaves the previous checkpoint intact.
 */
final class TrainerCheckpoint {

    static final String FOLDER = "checkpoint";
    private static final String STATE = "trainer_state.json";
    private static final String OPTIMIZER = "optimizer.safetensors";
    private static final String BEST = "best_weights.safetensors";
    private static final String IDENTITY = "identity";

    private TrainerCheckpoint() {
    }

    /** Restores a checkpoint whose replacement a kill interrupted; the message says so, null when nothing was. */
    static String recover(Path dir) throws IOException {
        return AtomicFolders.recoverInterrupted(dir.resolve(FOLDER));
    }

    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(FOLDER).resolve(STATE));
    }

    static void save(Path dir, LoraAdapter adapter, CausalLM model, AdamW optimizer, LoraTrainer.TrainerState s, TrainingConfig cfg,
            String dataHash) throws IOException {
        AtomicFolders.write(dir.resolve(FOLDER), true, tmp -> {
            adapter.saveFiles(tmp);
            Map<String, NDArray> moments = new LinkedHashMap<>();
            optimizer.firstMoments().forEach((k, v) -> moments.put("m." + k, v));
            optimizer.secondMoments().forEach((k, v) -> moments.put("v." + k, v));
            SafetensorsWriter.write(tmp.resolve(OPTIMIZER), moments, Map.of());
            if (s.best != null) {
                try (NDManager m = adapter.manager().newSubManager()) {
                    Map<String, NDArray> best = new LinkedHashMap<>();
                    s.best.forEach((k, v) -> best.put(k, m.create(v, adapter.parameters().get(k).getShape())));
                    SafetensorsWriter.write(tmp.resolve(BEST), best, Map.of());
                }
            }
            JsonObject o = new JsonObject();
            o.addProperty("global_step", s.globalStep);
            o.addProperty("optimizer_step", optimizer.stepCount());
            o.addProperty("next_epoch", s.nextEpoch);
            o.addProperty("next_batch", s.nextBatch);
            o.addProperty("epoch_loss_sum", s.epochLossSum);
            o.addProperty("epoch_tokens", s.epochTokens);
            o.addProperty("best_val_loss", Double.isInfinite(s.bestValLoss) ? null : s.bestValLoss);
            o.addProperty("best_epoch", s.bestEpoch);
            o.addProperty("epochs_without_improvement", s.epochsWithoutImprovement);
            o.addProperty("trained_tokens", s.trainedTokens);
            o.addProperty("trained_examples", s.trainedExamples);
            o.addProperty("train_seconds", s.seconds);
            o.addProperty("resumes", s.resumes);
            JsonArray history = new JsonArray();
            for (TrainingResult.EpochLoss e : s.history) {
                JsonObject h = new JsonObject();
                h.addProperty("epoch", e.epoch());
                h.addProperty("train_loss", e.trainLoss());
                h.addProperty("validation_loss", Double.isNaN(e.validationLoss()) ? null : e.validationLoss());
                history.add(h);
            }
            o.add("history", history);
            o.addProperty("training_config", cfg.toString()); // for people reading the file
            o.add(SETTINGS, new Gson().toJsonTree(cfg.resultSettings()));
            o.addProperty("data_hash", dataHash);
            o.add(IDENTITY, identity(adapter, model));
            Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls().serializeSpecialFloatingPointValues().create();
            Files.writeString(tmp.resolve(STATE), gson.toJson(o));
        });
    }

    /** The settings that change the result, compared one by one; the message names each that differs. */
    static void requireSameSettings(Path folder, JsonObject state, TrainingConfig cfg) {
        if (!state.has(SETTINGS)) { // written before the settings were recorded by name
            if (!cfg.toString().equals(state.get("training_config").getAsString())) {
                throw new IllegalArgumentException(folder + ": the checkpoint was made with other training settings ("
                        + state.get("training_config").getAsString() + "); resume with the same settings or start afresh");
            }
            return;
        }
        JsonObject saved = state.getAsJsonObject(SETTINGS);
        JsonObject now = new Gson().toJsonTree(cfg.resultSettings()).getAsJsonObject();
        java.util.List<String> differences = new java.util.ArrayList<>();
        for (String key : now.keySet()) {
            // as JSON text: exact for 64-bit seeds, which JsonPrimitive.equals compares as doubles
            if (!now.get(key).toString().equals(String.valueOf(saved.get(key)))) {
                differences.add(key + " " + now.get(key) + " now, " + saved.get(key) + " in the checkpoint");
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(folder + ": the checkpoint was made with other training settings ("
                    + String.join("; ", differences) + "); resume with the same settings or start afresh");
        }
    }

    private static final String SETTINGS = "training_settings";

    static LoraTrainer.TrainerState restore(Path dir, LoraAdapter adapter, CausalLM model, AdamW optimizer, TrainingConfig cfg,
            String dataHash) throws IOException {
        Path folder = AtomicFolders.resolveForReading(dir.resolve(FOLDER));
        // our own file, written with NaN where a loss was not a number; whole numbers are read strictly below
        JsonObject o = JsonParser.parseString(BoundedFiles.readText(folder.resolve(STATE), BoundedFiles.LARGE_JSON_LIMIT)).getAsJsonObject();
        requireSameIdentity(folder, o.get(IDENTITY), identity(adapter, model));
        requireSameSettings(folder, o, cfg);
        if (dataHash != null && !dataHash.equals(o.get("data_hash").getAsString())) {
            throw new IllegalArgumentException(folder + ": the checkpoint was made on other training data; resume with the same rows or start afresh");
        }
        Map<String, NDArray> params = adapter.parameters();
        try (NDManager m = adapter.manager().newSubManager()) {
            LoraTrainer.restore(params, floats(SafetensorsFile.open(folder.resolve(org.loralab.engine.lora.PeftNames.WEIGHTS_FILE)), m, ""));
            Path filter = folder.resolve(org.loralab.engine.lora.PeftNames.FILTER_FILE);
            if (Files.exists(filter)) {
                LoraTrainer.restore(params, floats(SafetensorsFile.open(filter), m, ""));
            }
            SafetensorsFile opt = SafetensorsFile.open(folder.resolve(OPTIMIZER));
            optimizer.restore(count(o, "optimizer_step"), floats(opt, m, "m."), floats(opt, m, "v."));
            LoraTrainer.TrainerState s = new LoraTrainer.TrainerState();
            if (Files.exists(folder.resolve(BEST))) {
                s.best = floats(SafetensorsFile.open(folder.resolve(BEST)), m, "");
            }
            s.globalStep = count(o, "global_step");
            s.nextEpoch = count(o, "next_epoch");
            s.nextBatch = count(o, "next_batch");
            s.epochLossSum = o.get("epoch_loss_sum").getAsDouble();
            s.epochTokens = StrictJson.wholeLong(o.get("epoch_tokens"), "epoch_tokens");
            s.bestValLoss = o.get("best_val_loss").isJsonNull() ? Double.POSITIVE_INFINITY : o.get("best_val_loss").getAsDouble();
            s.bestEpoch = count(o, "best_epoch");
            s.epochsWithoutImprovement = count(o, "epochs_without_improvement");
            // totals of the runs so far; a checkpoint from before they were recorded counts from zero
            s.trainedTokens = o.has("trained_tokens") ? StrictJson.wholeLong(o.get("trained_tokens"), "trained_tokens") : 0;
            s.trainedExamples = o.has("trained_examples") ? StrictJson.wholeLong(o.get("trained_examples"), "trained_examples") : 0;
            s.seconds = o.has("train_seconds") ? o.get("train_seconds").getAsDouble() : 0;
            s.resumes = o.has("resumes") ? count(o, "resumes") : 0;
            for (var e : o.getAsJsonArray("history")) {
                JsonObject h = e.getAsJsonObject();
                s.history.add(new TrainingResult.EpochLoss(count(h, "epoch"), h.get("train_loss").getAsDouble(),
                        h.get("validation_loss").isJsonNull() ? Double.NaN : h.get("validation_loss").getAsDouble()));
            }
            return s;
        }
    }

    /**
     * What the checkpoint's numbers belong to: the LoRA settings (rank, alpha, targets, rsLoRA,
     * per-module patterns), the filter, and the base model's fingerprint. Weights from another
     * rank, alpha or base model would resume into a scrambled adapter.
     */
    private static JsonObject identity(LoraAdapter adapter, CausalLM model) {
        JsonObject lora = adapter.config().toPeftJson().deepCopy();
        lora.remove("base_model_name_or_path"); // a moved model folder is the same model; the fingerprint says which
        JsonObject id = new JsonObject();
        id.add("lora", lora);
        id.addProperty("task_filter", adapter.hasTaskFilter());
        id.add("base_model", ModelFingerprint.of(model.config()).toJson());
        return id;
    }

    private static void requireSameIdentity(Path folder, JsonElement saved, JsonObject now) {
        if (saved == null || !saved.isJsonObject()) {
            throw new IllegalArgumentException(folder + ": the checkpoint does not record its LoRA settings and base model "
                    + "(made by an older version); start afresh");
        }
        List<String> differences = new ArrayList<>();
        for (String part : now.keySet()) {
            JsonElement was = saved.getAsJsonObject().get(part);
            JsonElement is = now.get(part);
            if (was != null && was.isJsonObject() && is.isJsonObject()) {
                for (String key : is.getAsJsonObject().keySet()) {
                    if (!is.getAsJsonObject().get(key).equals(was.getAsJsonObject().get(key))) {
                        differences.add(part + "." + key + " " + was.getAsJsonObject().get(key) + " -> " + is.getAsJsonObject().get(key));
                    }
                }
            } else if (!is.equals(was)) {
                differences.add(part + " " + was + " -> " + is);
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(folder + ": the checkpoint was made with other LoRA settings or another base model ("
                    + String.join("; ", differences) + "); resume with the same ones or start afresh");
        }
    }

    /** A non-negative whole number of the state file, never narrowed. */
    private static int count(JsonObject o, String key) {
        int v = StrictJson.wholeInt(o.get(key), key);
        if (v < 0) {
            throw new IllegalArgumentException("'" + key + "' is " + v + ", a count cannot be negative");
        }
        return v;
    }

    /** Tensors whose names start with {@code prefix}, prefix removed, as float arrays. */
    private static Map<String, float[]> floats(SafetensorsFile f, NDManager m, String prefix) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : f.tensors().keySet()) {
            if (name.startsWith(prefix)) {
                try (NDArray a = f.load(m, name)) {
                    out.put(name.substring(prefix.length()), a.toFloatArray());
                }
            }
        }
        return out;
    }
}
