package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
                assertEquals(1, s.count(), "temporary folders are cleaned up");
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
}
