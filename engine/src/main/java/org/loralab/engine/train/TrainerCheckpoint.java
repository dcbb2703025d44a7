package org.loralab.engine.train;

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

    private TrainerCheckpoint() {
    }

    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(FOLDER).resolve(STATE));
    }

    static void save(Path dir, LoraAdapter adapter, AdamW optimizer, LoraTrainer.TrainerState s, TrainingConfig cfg,
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
            JsonArray history = new JsonArray();
            for (TrainingResult.EpochLoss e : s.history) {
                JsonObject h = new JsonObject();
                h.addProperty("epoch", e.epoch());
                h.addProperty("train_loss", e.trainLoss());
                h.addProperty("validation_loss", Double.isNaN(e.validationLoss()) ? null : e.validationLoss());
                history.add(h);
            }
            o.add("history", history);
            o.addProperty("training_config", cfg.toString());
            o.addProperty("data_hash", dataHash);
            Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls().serializeSpecialFloatingPointValues().create();
            Files.writeString(tmp.resolve(STATE), gson.toJson(o));
        });
    }

    static LoraTrainer.TrainerState restore(Path dir, LoraAdapter adapter, AdamW optimizer, TrainingConfig cfg,
            String dataHash) throws IOException {
        Path folder = dir.resolve(FOLDER);
        JsonObject o = JsonParser.parseString(Files.readString(folder.resolve(STATE))).getAsJsonObject();
        if (!cfg.toString().equals(o.get("training_config").getAsString())) {
            throw new IllegalArgumentException(folder + ": the checkpoint was made with other training settings ("
                    + o.get("training_config").getAsString() + "); resume with the same settings or start afresh");
        }
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
            optimizer.restore(o.get("optimizer_step").getAsInt(), floats(opt, m, "m."), floats(opt, m, "v."));
            LoraTrainer.TrainerState s = new LoraTrainer.TrainerState();
            if (Files.exists(folder.resolve(BEST))) {
                s.best = floats(SafetensorsFile.open(folder.resolve(BEST)), m, "");
            }
            s.globalStep = o.get("global_step").getAsInt();
            s.nextEpoch = o.get("next_epoch").getAsInt();
            s.nextBatch = o.get("next_batch").getAsInt();
            s.epochLossSum = o.get("epoch_loss_sum").getAsDouble();
            s.epochTokens = o.get("epoch_tokens").getAsLong();
            s.bestValLoss = o.get("best_val_loss").isJsonNull() ? Double.POSITIVE_INFINITY : o.get("best_val_loss").getAsDouble();
            s.bestEpoch = o.get("best_epoch").getAsInt();
            s.epochsWithoutImprovement = o.get("epochs_without_improvement").getAsInt();
            for (var e : o.getAsJsonArray("history")) {
                JsonObject h = e.getAsJsonObject();
                s.history.add(new TrainingResult.EpochLoss(h.get("epoch").getAsInt(), h.get("train_loss").getAsDouble(),
                        h.get("validation_loss").isJsonNull() ? Double.NaN : h.get("validation_loss").getAsDouble()));
            }
            return s;
        }
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
