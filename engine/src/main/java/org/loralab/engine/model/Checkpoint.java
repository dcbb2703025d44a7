package org.loralab.engine.model;

import org.loralab.engine.io.BoundedFiles;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.loralab.engine.io.SafetensorsFile;

/**
 * The tensors of a HF checkpoint folder: one {@code model.safetensors}, shards listed in
 * {@code model.safetensors.index.json}, or any set of {@code *.safetensors} files.
 */
public final class Checkpoint {

    private final Path dir;
    private final Map<String, SafetensorsFile> fileOfTensor;

    private Checkpoint(Path dir, Map<String, SafetensorsFile> fileOfTensor) {
        this.dir = dir;
        this.fileOfTensor = fileOfTensor;
    }

    public static Checkpoint open(Path dir) throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        Map<String, SafetensorsFile> byTensor = new HashMap<>();
        if (Files.isRegularFile(index)) {
            JsonObject weightMap;
            try {
                weightMap = JsonParser.parseString(BoundedFiles.readText(index, BoundedFiles.LARGE_JSON_LIMIT))
                        .getAsJsonObject().getAsJsonObject("weight_map");
            } catch (RuntimeException e) {
                throw new IOException(index + ": not a valid safetensors index: " + e.getMessage(), e);
            }
            if (weightMap == null) {
                throw new IOException(index + ": missing 'weight_map'");
            }
            Map<String, SafetensorsFile> shards = new HashMap<>();
            for (String tensor : weightMap.keySet()) {
                String shardName = weightMap.get(tensor).getAsString();
                Path shard = dir.resolve(shardName).normalize();
                if (!shard.startsWith(dir.normalize())) {
                    throw new IOException(index + ": shard '" + shardName + "' lies outside the model folder");
                }
                if (!Files.isRegularFile(shard)) {
                    throw new NoSuchFileException(shard.toString(), null, "shard named by " + index.getFileName() + " is missing");
                }
                SafetensorsFile file = shards.get(shardName);
                if (file == null) {
                    file = SafetensorsFile.open(shard);
                    shards.put(shardName, file);
                }
                if (!file.tensors().containsKey(tensor)) {
                    throw new IOException(shard + ": index says it holds '" + tensor + "' but it does not");
                }
                byTensor.put(tensor, file);
            }
        } else {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.safetensors")) {
                ds.forEach(files::add);
            }
            if (files.isEmpty()) {
                throw new NoSuchFileException(dir.toString(), null, "the model folder has no *.safetensors file");
            }
            Collections.sort(files);
            for (Path p : files) {
                SafetensorsFile file = SafetensorsFile.open(p);
                for (String tensor : file.tensors().keySet()) {
                    SafetensorsFile previous = byTensor.put(tensor, file);
                    if (previous != null) {
                        throw new IOException("tensor '" + tensor + "' appears in both " + previous.file() + " and " + p);
                    }
                }
            }
        }
        return new Checkpoint(dir, byTensor);
    }

    public Path dir() {
        return dir;
    }

    public Set<String> tensorNames() {
        return Collections.unmodifiableSet(fileOfTensor.keySet());
    }

    public boolean has(String name) {
        return fileOfTensor.containsKey(name);
    }

    /**
     * Whether {@link #load} with these settings returns an array that reads straight from the
     * read-only mapped file (CPU, the file's dtype, not bf16, which is read into owned memory).
     */
    public boolean loadsMapped(String name, DataType dtype, Device device) {
        SafetensorsFile file = fileOfTensor.get(name);
        DataType stored = file == null ? null : file.info(name).dataType();
        return !device.isGpu() && stored == dtype && dtype != DataType.BFLOAT16;
    }

    /**
     * Loads a tensor, checks its shape, converts it to {@code dtype} and moves it to {@code device}.
     * Errors name the tensor and the file.
     */
    public NDArray load(NDManager manager, String name, Shape expected, DataType dtype, Device device) throws IOException {
        SafetensorsFile file = fileOfTensor.get(name);
        if (file == null) {
            throw new IOException(dir + ": checkpoint has no tensor '" + name + "'");
        }
        Shape actual = file.info(name).djlShape();
        if (!actual.equals(expected)) {
            throw new IOException(file.file() + ": tensor '" + name + "' has shape " + actual
                    + " but config.json implies " + expected);
        }
        if (dtype == DataType.BFLOAT16 && file.info(name).dataType() == DataType.BFLOAT16) {
            return loadBf16(manager, file, name, device);
        }
        // A bf16 tensor widened natively (exact): neither a Java direct buffer of float32, which only
        // a garbage collection would free, nor the file's mapping grows with the model.
        NDArray raw = file.info(name).dataType() == DataType.BFLOAT16 ? loadBf16(manager, file, name, device)
                : file.load(manager, name);
        NDArray typed = Bf16.cast(raw, dtype);
        NDArray placed = Bf16.toDevice(typed, manager);
        if (typed != raw) {
            raw.close();
        }
        if (placed != typed) {
            typed.close();
        }
        placed.setName(name);
        return placed;
    }

    /** A bf16 tensor kept bf16: read into PyTorch memory on the CPU (then moved to {@code device}), never widened. */
    private static NDArray loadBf16(NDManager manager, SafetensorsFile file, String name, Device device) throws IOException {
        if (!device.isGpu()) {
            return readBf16(manager, file, name);
        }
        try (NDManager cpu = manager.newSubManager(Device.cpu())) {
            NDArray onCpu = readBf16(cpu, file, name);
            NDArray placed = Bf16.toDevice(onCpu, manager);
            placed.setName(name);
            return placed;
        }
    }

    /** A bf16 tensor straight from the file into PyTorch-owned memory on the CPU ({@code manager} a CPU manager). */
    private static NDArray readBf16(NDManager manager, SafetensorsFile file, String name) throws IOException {
        SafetensorsFile.TensorInfo info = file.info(name);
        if (info.dataType() != DataType.BFLOAT16) {
            throw new IOException(file.file() + ": tensor '" + name + "' is " + info.dtype() + ", not BF16");
        }
        NDArray array = Bf16.empty(manager, info.djlShape());
        try {
            file.readRaw(name, PyTorchInternals.memoryOf(array)); // read in place into the tensor's own memory
        } catch (IOException | RuntimeException e) {
            array.close();
            throw e;
        }
        array.setName(name);
        return array;
    }
}
