package org.loralab.engine.lora;

import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.FiniteTensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.loralab.engine.io.SafetensorsFile;
import org.loralab.engine.io.SafetensorsWriter;
import ai.djl.ndarray.NDScope;
import org.loralab.engine.model.Autograd;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.LinearLayer;
import org.loralab.engine.model.NativeArrays;

/**
 * A set of LoRA modules for one base model, in PEFT's layout. Its arrays live in its own manager
 * (a child of the model's), so closing the adapter frees them and leaves the model intact.
 */
public final class LoraAdapter implements AutoCloseable {

    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, LoraModule> modules;
    private volatile DropoutSeeds passSeeds; // the current training pass's stream, null in inference

    private LoraAdapter(LoraConfig config, NDManager manager, Map<String, LoraModule> modules) {
        this.config = config;
        this.manager = manager;
        this.modules = modules;
    }

    /**
     * A fresh adapter as PEFT initialises one: A Kaiming-uniform with a = sqrt(5), i.e. uniform in
     * ±1/sqrt(in_features); B zero, so the adapted model starts equal to the base. Seeded per
     * module, so the same seed gives the same adapter whatever else changes.
     *
     * @param taskFilter add LoRA-TRF's task-aware filter to every module
     */
    public static LoraAdapter create(CausalLM model, LoraConfig config, boolean taskFilter, long seed) {
        NDManager m = model.manager().newSubManager();
        Map<String, LoraModule> modules = new LinkedHashMap<>();
        List<LinearLayer> targets = targetLayers(model, config);
        for (int i = 0; i < targets.size(); i++) {
            LinearLayer layer = targets.get(i);
            String path = layer.modulePath();
            int r = config.rankFor(path);
            int in = (int) layer.inFeatures();
            if (r > Math.min(in, layer.outFeatures())) {
                // a rank beyond the layer's smaller side adds nothing a full-rank update lacks, only memory (2^27 ends in OutOfMemoryError)
                throw new IllegalArgumentException("rank " + r + " for " + path + " exceeds its " + in + "→" + layer.outFeatures()
                        + " shape; choose at most " + Math.min(in, layer.outFeatures()));
            }
            Random random = new Random(seed * 1_000_003L + i);
            float bound = (float) (1 / Math.sqrt(in));
            float[] a = new float[r * in];
            for (int k = 0; k < a.length; k++) {
                a[k] = (random.nextFloat() * 2 - 1) * bound;
            }
            NDArray aArr = NativeArrays.copy(m.create(a, new Shape(r, in)));
            NDArray bArr = m.zeros(new Shape(layer.outFeatures(), r), DataType.FLOAT32);
            LoraModule.TaskFilter filter = taskFilter
                    ? new LoraModule.TaskFilter(m.zeros(new Shape(r, r)), m.zeros(new Shape(r))) : null;
            modules.put(path, new LoraModule(path, aArr, bArr, config.scalingFor(path), config.dropout(), filter));
        }
        return new LoraAdapter(config, m, modules);
    }

    /**
     * An adapter with the given A and B values (row-major, shapes from the config's ranks and the
     * model's layers), e.g. the result of a merge.
     */
    public static LoraAdapter fromWeights(CausalLM model, LoraConfig config, Map<String, float[]> a, Map<String, float[]> b) {
        NDManager m = model.manager().newSubManager();
        Map<String, LoraModule> modules = new LinkedHashMap<>();
        for (LinearLayer layer : model.linearLayers()) {
            String path = layer.modulePath();
            if (!a.containsKey(path)) {
                continue;
            }
            int r = config.rankFor(path);
            NDArray aArr = NativeArrays.copy(m.create(a.get(path), new Shape(r, layer.inFeatures())));
            NDArray bArr = NativeArrays.copy(m.create(b.get(path), new Shape(layer.outFeatures(), r)));
            modules.put(path, new LoraModule(path, aArr, bArr, config.scalingFor(path), config.dropout(), null));
        }
        if (modules.size() != a.size()) {
            m.close();
            throw new IllegalArgumentException("some merged modules do not exist in the base model");
        }
        return new LoraAdapter(config, m, modules);
    }

    private static List<LinearLayer> targetLayers(CausalLM model, LoraConfig config) {
        List<LinearLayer> targets = model.linearLayers().stream().filter(l -> config.targets(l.modulePath())).toList();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("target_modules " + (config.targetRegex() != null ? config.targetRegex()
                    : config.targetModules()) + " match no linear layer of the model; its layers are named like "
                    + model.linearLayers().get(0).modulePath());
        }
        return targets;
    }

    /**
     * Loads a PEFT adapter folder for {@code model}, checking that every module it names exists in
     * the model with matching shapes. Tensors for modules the config does not target are dropped,
     * as PEFT drops them (it only loads weights into the modules it injected).
     */
    public static LoraAdapter load(Path folder, CausalLM model) throws IOException {
        Path dir = AtomicFolders.resolveForReading(folder); // one version throughout, even while it is being replaced
        LoraConfig config = LoraConfig.load(dir);
        Path weightsFile = dir.resolve(PeftNames.WEIGHTS_FILE);
        if (!Files.exists(weightsFile)) {
            throw new IOException(weightsFile + ": the adapter folder has no " + PeftNames.WEIGHTS_FILE
                    + (Files.exists(dir.resolve("adapter_model.bin")) ? " (only the pickle adapter_model.bin, which is not read for safety; resave it with safe_serialization=True)" : ""));
        }
        SafetensorsFile weights = SafetensorsFile.open(weightsFile);
        Path filterPath = dir.resolve(PeftNames.FILTER_FILE);
        SafetensorsFile filters = Files.exists(filterPath) ? SafetensorsFile.open(filterPath) : null;
        Map<String, LinearLayer> layers = new LinkedHashMap<>();
        model.linearLayers().forEach(l -> layers.put(l.modulePath(), l));

        // module path -> its {lora_A, lora_B} tensor names, parsed once; the same rule as the bank's listing
        Map<String, String[]> named;
        try {
            named = TargetedTensors.of(folder, config, weights.tensors().keySet()).modules();
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        for (Map.Entry<String, String[]> e : named.entrySet()) {
            if (!layers.containsKey(e.getKey())) {
                String tensor = e.getValue()[0] != null ? e.getValue()[0] : e.getValue()[1];
                throw new IOException(weightsFile + ": tensor '" + tensor + "' adapts module '" + e.getKey()
                        + "', which the base model does not have");
            }
        }
        NDManager m = model.manager().newSubManager();
        try {
            Map<String, LoraModule> modules = new LinkedHashMap<>();
            for (LinearLayer layer : model.linearLayers()) {
                String path = layer.modulePath();
                if (!named.containsKey(path)) {
                    if (config.targets(path)) {
                        throw new IOException(weightsFile + ": no tensor '" + PeftNames.loraA(path)
                                + "', though target_modules names this module");
                    }
                    continue;
                }
                int r = config.rankFor(path);
                NDArray a = tensor(weights, m, named.get(path), path, 0, new Shape(r, layer.inFeatures()), model);
                NDArray b = tensor(weights, m, named.get(path), path, 1, new Shape(layer.outFeatures(), r), model);
                LoraModule.TaskFilter filter = null;
                if (filters != null) {
                    filter = new LoraModule.TaskFilter(
                            load(filters, m, PeftNames.filterWeight(path), new Shape(r, r), model),
                            load(filters, m, PeftNames.filterBias(path), new Shape(r), model));
                }
                modules.put(path, new LoraModule(path, a, b, config.scalingFor(path), config.dropout(), filter));
            }
            return new LoraAdapter(config, m, modules);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static NDArray tensor(SafetensorsFile f, NDManager m, String[] names, String module, int which, Shape shape,
            CausalLM model) throws IOException {
        if (names[which] == null) {
            throw new IOException(f.file() + ": no tensor for " + module + (which == 0 ? ".lora_A" : ".lora_B"));
        }
        return load(f, m, names[which], shape, model);
    }

    private static NDArray load(SafetensorsFile f, NDManager m, String name, Shape shape, CausalLM model) throws IOException {
        SafetensorsFile.TensorInfo info = f.info(name);
        if (!info.djlShape().equals(shape)) {
            throw new IOException(f.file() + ": tensor '" + name + "' has shape " + info.djlShape() + ", expected " + shape
                    + " for this base model and the adapter's rank");
        }
        // The loaded array may map the file read-only; train and merge on an owned float32 clone.
        // (DJL's toType/toDevice return a view when nothing changes, even when asked to copy.)
        try (NDArray raw = f.load(m, name); NDArray typed = raw.toType(DataType.FLOAT32, false)) {
            NDArray onDevice = typed.toDevice(model.device(), false);
            NDArray owned = onDevice.duplicate();
            if (onDevice != typed) {
                onDevice.close();
            }
            try {
                FiniteTensors.require(owned, name, f.file().toString());
            } catch (IllegalArgumentException e) {
                owned.close();
                throw new IOException(e.getMessage(), e);
            }
            return owned;
        }
    }

    /** Writes adapter_config.json and adapter_model.safetensors (plus the filter file for LoRA-TRF) into {@code dir}. */
    public void saveFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        config.save(dir);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        Map<String, NDArray> filterTensors = new LinkedHashMap<>();
        for (LoraModule mod : modules.values()) {
            putLora(mod, tensors);
            putFilter(mod, filterTensors);
        }
        SafetensorsWriter.write(dir.resolve(PeftNames.WEIGHTS_FILE), tensors, Map.of("format", "pt"));
        Path filterFile = dir.resolve(PeftNames.FILTER_FILE);
        if (filterTensors.isEmpty()) {
            Files.deleteIfExists(filterFile);
        } else {
            SafetensorsWriter.write(filterFile, filterTensors, Map.of("format", "pt"));
        }
    }

    /** A module's A and B by their PEFT tensor names. */
    private static void putLora(LoraModule mod, Map<String, NDArray> into) {
        into.put(PeftNames.loraA(mod.modulePath()), mod.a());
        into.put(PeftNames.loraB(mod.modulePath()), mod.b());
    }

    /** A module's LoRA-TRF filter weight and bias, when it has a filter. */
    private static void putFilter(LoraModule mod, Map<String, NDArray> into) {
        if (mod.filter() != null) {
            into.put(PeftNames.filterWeight(mod.modulePath()), mod.filter().weight());
            into.put(PeftNames.filterBias(mod.modulePath()), mod.filter().bias());
        }
    }

    /** Hooks every module into the matching layer of {@code model}. */
    public void attach(CausalLM model) {
        for (LinearLayer layer : model.linearLayers()) {
            LoraModule mod = modules.get(layer.modulePath());
            if (mod != null) {
                layer.setAdapter(mod);
            }
        }
    }

    /** Removes this adapter's hooks from {@code model}. */
    public void detach(CausalLM model) {
        for (LinearLayer layer : model.linearLayers()) {
            if (layer.adapter() != null && layer.adapter() == modules.get(layer.modulePath())) {
                layer.setAdapter(null);
            }
        }
    }

    /**
     * Adds {@code scaling * B A} into each adapted base weight in place, as PEFT's merge_and_unload,
     * so inference runs at the base model's speed: one layer at a time, the float32 delta added
     * straight into the weight (rounded once to its dtype), every temporary closed at once. Fused
     * q/k/v and gate/up parts are views of their stacked weight, which is thereby updated too.
     * Every merged weight is checked for NaN/infinity before any weight changes (PEFT's safe_merge).
     */
    public void mergeInto(CausalLM model) {
        detach(model);
        List<LinearLayer> adapted = model.linearLayers().stream().filter(l -> modules.containsKey(l.modulePath())).toList();
        try (Autograd.Scope inference = Autograd.inference()) {
            for (LinearLayer layer : adapted) {
                try (NDScope scope = new NDScope()) {
                    NDArray merged = layer.weight().add(modules.get(layer.modulePath()).deltaWeight());
                    FiniteTensors.require(merged, layer.modulePath() + ".weight", "merging the adapter into the base model");
                    scope.suppressNotUsedWarning();
                }
            }
            for (LinearLayer layer : adapted) {
                try (NDScope scope = new NDScope()) {
                    layer.addToWeight(modules.get(layer.modulePath()).deltaWeight());
                    scope.suppressNotUsedWarning();
                }
            }
        }
    }

    /**
     * Takes {@link #mergeInto} back by subtracting the same update in place, as PEFT's unmerge: exact
     * up to the rounding of the weights' dtype.
     */
    public void unmergeFrom(CausalLM model) {
        try (Autograd.Scope inference = Autograd.inference()) {
            for (LinearLayer layer : model.linearLayers()) {
                LoraModule mod = modules.get(layer.modulePath());
                if (mod != null) {
                    try (NDScope scope = new NDScope()) {
                        layer.addToWeight(mod.deltaWeight().neg());
                        scope.suppressNotUsedWarning();
                    }
                }
            }
        }
    }

    /**
     * Training mode for the next forward pass: dropout masks come from {@code passSeed}, so a pass
     * replays exactly (resume) and does not depend on other jobs.
     */
    public void startTrainingPass(long passSeed) {
        DropoutSeeds seeds = new DropoutSeeds(passSeed);
        passSeeds = seeds;
        modules.values().forEach(m -> m.setTraining(seeds));
    }

    /** Inference mode: no dropout. */
    public void stopTraining() {
        passSeeds = null;
        modules.values().forEach(m -> m.setTraining(null));
    }

    /**
     * Where the current training pass's dropout stream stands (0 outside training). A layer
     * recomputed for activation checkpointing {@link #rewindDropout rewinds} to the position it
     * started at, so its recomputation draws the masks of its first computation.
     */
    public long dropoutPosition() {
        DropoutSeeds s = passSeeds;
        return s == null ? 0 : s.position();
    }

    /** Sets the current pass's dropout stream back to {@code position} (from {@link #dropoutPosition}); no-op outside training. */
    public void rewindDropout(long position) {
        DropoutSeeds s = passSeeds;
        if (s != null) {
            s.rewind(position);
        }
    }

    /** Every trainable array by its PEFT tensor name, in a stable order. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (LoraModule mod : modules.values()) {
            putLora(mod, p);
            putFilter(mod, p);
        }
        return p;
    }

    public long parameterCount() {
        return parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    public LoraConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public Map<String, LoraModule> modules() {
        return Collections.unmodifiableMap(modules);
    }

    public boolean hasTaskFilter() {
        return modules.values().stream().anyMatch(m -> m.filter() != null);
    }

    /** Module paths in model order. */
    public List<String> modulePaths() {
        return new ArrayList<>(modules.keySet());
    }

    @Override
    public void close() {
        manager.close();
    }
}
