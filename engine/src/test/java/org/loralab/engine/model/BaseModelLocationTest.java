package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseModelLocationTest {

    @TempDir
    Path tmp;

    @Test
    void demoIsExtractedOnceEvenWhenManyNodesAskAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] asks = new Future<?>[4];
            Path[] got = new Path[4];
            for (int i = 0; i < 4; i++) {
                int k = i;
                asks[i] = pool.submit(() -> {
                    got[k] = BaseModelLocation.resolve(k % 2 == 0 ? "demo" : " DEMO ", tmp);
                    return null;
                });
            }
            for (Future<?> f : asks) {
                f.get();
            }
            for (Path p : got) {
                assertEquals(got[0], p);
            }
            BaseModelLocation.requireModelFolder(got[0]);
            assertEquals(ModelConfig.load(got[0]).hiddenSize(), org.loralab.engine.demo.DemoBaseModel.HIDDEN);
            try (Stream<Path> s = Files.list(tmp)) {
                // visible: the model folder alone (a link to its hidden version, see AtomicFolders); no temporary folder left
                List<String> names = s.map(p -> p.getFileName().toString()).toList();
                assertEquals(1, names.stream().filter(n -> !n.startsWith(".")).count(), names.toString());
                assertEquals(0, names.stream().filter(n -> n.contains(".tmp-")).count(), "temporary folders are cleaned up: " + names);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void namesWhatAFolderLacks() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("half"));
        Files.writeString(dir.resolve("config.json"), "{}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BaseModelLocation.resolve(dir.toString(), tmp));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("safetensors"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> BaseModelLocation.resolve(tmp.resolve("nowhere").toString(), tmp));
        assertThrows(IllegalArgumentException.class, () -> BaseModelLocation.resolve(" ", tmp));
        Path tiny = new TinyCheckpoint().write(tmp.resolve("tiny"));
        assertEquals(tiny, BaseModelLocation.resolve(tiny.toString(), tmp));
    }

    @Test
    void aDamagedExtractedDemoModelIsNotReused() throws Exception {
        Path first = BaseModelLocation.resolve("demo", tmp);
        byte[] weights = Files.readAllBytes(first.resolve("model.safetensors"));
        Files.write(first.resolve("model.safetensors"), new byte[] {1, 2, 3}); // damaged on disk since the last run
        Path again = BaseModelLocation.resolve("demo", tmp);
        assertEquals(first, again);
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(again.resolve("model.safetensors"))), "extracted afresh");
    }
}
