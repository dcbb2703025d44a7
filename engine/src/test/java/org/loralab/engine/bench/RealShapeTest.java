package org.loralab.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.ExternalTool;
import org.loralab.engine.model.Architecture;
import org.loralab.engine.model.ModelConfig;

/**
 * The real-shape benchmark's configs are the real models' shapes, and its checkpoint writer writes
 * exactly the tensors such a checkpoint has. The parameter counts are the published ones
 * (transformers' num_parameters() as printed in public notebooks and model tables), not derived from this code.
 */
class RealShapeTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void configsLoadWithThePublishedParameterCounts() {
        assertEquals(494_032_768L, RealShape.parameterCount(RealShape.QWEN2_5_0_5B.config()));
        assertEquals(596_049_920L, RealShape.parameterCount(RealShape.QWEN3_0_6B.config()));
        assertEquals(1_235_814_400L, RealShape.parameterCount(RealShape.LLAMA_3_2_1B.config()));
        assertEquals(3_212_749_824L, RealShape.parameterCount(RealShape.LLAMA_3_2_3B.config()));
    }

    @Test
    void configsHaveTheRealArchitecturesAndRope() {
        ModelConfig qwen3 = RealShape.QWEN3_0_6B.config();
        assertEquals(Architecture.QWEN3, qwen3.architecture());
        assertEquals(128, qwen3.headDim());
        assertTrue(qwen3.tieWordEmbeddings());
        ModelConfig qwen25 = RealShape.QWEN2_5_0_5B.config();
        assertEquals(Architecture.QWEN2, qwen25.architecture());
        assertTrue(qwen25.qkvBias());
        ModelConfig llama = RealShape.LLAMA_3_2_1B.config();
        assertEquals("llama3", JsonParser.parseString(RealShape.LLAMA_3_2_1B.configText()).getAsJsonObject()
                .getAsJsonObject("rope_scaling").get("rope_type").getAsString());
        assertEquals(128_256, llama.vocabSize());
        assertEquals(8, llama.numKvHeads());
    }

    /** The Python writer's checkpoint: config.json byte for byte, and as many bf16 elements as the shape has parameters. */
    @Test
    void writerWritesTheConfigAndEveryParameter(@TempDir Path dir) throws Exception {
        ExternalTool.require(Files.isExecutable(PYTHON), "Debian's python3 is not installed");
        Path script = dir.resolve("real_shapes.py");
        try (InputStream in = RealShape.class.getResourceAsStream("real/real_shapes.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path config = dir.resolve("tiny.json");
        Files.writeString(config, RealShape.TINY.configText());
        Path out = dir.resolve("model");
        ChildJob.Result r = ChildJob.run(List.of(PYTHON.toString(), script.toString(), "write", "--config", config.toString(),
                "--out", out.toString()), Map.of(), dir.resolve("log"), 4L << 20, 300);
        ExternalTool.require(!r.output().contains("No module named 'torch'"), "python3 has no torch (Debian: python3-torch)");
        assertTrue(r.ok(), r.output());
        assertEquals(RealShape.TINY.configText(), Files.readString(out.resolve("config.json")));
        long params = RealShape.parameterCount(ModelConfig.load(out));
        assertEquals("{\"parameters\": " + params + "}", r.output().strip());
        // bf16: two bytes per parameter after the 8-byte length and the header
        long headerLength;
        try (InputStream in = Files.newInputStream(out.resolve("model.safetensors"))) {
            byte[] b = in.readNBytes(8);
            headerLength = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        }
        assertEquals(8 + headerLength + 2 * params, Files.size(out.resolve("model.safetensors")));
    }

    @Test
    void memoryGuardKillsAJobPastTheLimit(@TempDir Path dir) throws IOException, InterruptedException {
        ExternalTool.require(Files.isExecutable(PYTHON), "Debian's python3 is not installed");
        // 400 MB touched, then a long sleep: killed well before the sleep ends
        ChildJob.Result r = ChildJob.run(List.of(PYTHON.toString(), "-c",
                "import time; b = bytearray(400 * 1024 * 1024); time.sleep(60)"), Map.of(), dir.resolve("log"), 200L * 1024, 120);
        assertTrue(r.killed() != null && r.killed().contains("limit 0.2 GB"), String.valueOf(r.killed()));
        assertTrue(r.wallSeconds() < 30, "killed after " + r.wallSeconds() + " s");
    }

    @Test
    void aJobWithinTheLimitReportsItsPeak(@TempDir Path dir) throws IOException, InterruptedException {
        ExternalTool.require(Files.isExecutable(PYTHON), "Debian's python3 is not installed");
        ChildJob.Result r = ChildJob.run(List.of(PYTHON.toString(), "-c",
                "b = bytearray(300 * 1024 * 1024); del b; print('done')"), Map.of(), dir.resolve("log"), 4L << 20, 120);
        assertTrue(r.ok(), r.failure());
        assertTrue(r.peakRssKiB() >= 300 * 1024 && r.peakRssKiB() < 1024 * 1024, "peak " + r.peakRssKiB() + " KiB");
    }

    @Test
    void timeLimitKillsAJob(@TempDir Path dir) throws IOException, InterruptedException {
        ChildJob.Result r = ChildJob.run(List.of("sleep", "60"), Map.of(), dir.resolve("log"), 4L << 20, 1);
        assertTrue(r.killed() != null && r.killed().contains("time limit"), String.valueOf(r.killed()));
        assertTrue(r.wallSeconds() < 20);
    }
}
