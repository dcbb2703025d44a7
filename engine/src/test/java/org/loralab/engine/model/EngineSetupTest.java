package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** Offline by default only where nothing asks otherwise; the engine line names device, PyTorch and library. */
class EngineSetupTest {

    @Test
    void offlineOnlyWhenTheUserConfiguredNothingThatNeedsFetching() {
        assertTrue(EngineSetup.offlineByDefault(null, null, null, null), "bundled CPU natives: offline");
        assertFalse(EngineSetup.offlineByDefault("false", null, null, null), "the user's offline setting wins");
        assertFalse(EngineSetup.offlineByDefault("true", "/opt/libtorch", null, null), "the user's offline setting wins");
        assertTrue(EngineSetup.offlineByDefault(null, "/opt/libtorch", "cu128", "2.7.1"), "a local libtorch needs no download");
        assertFalse(EngineSetup.offlineByDefault(null, null, "cu128", null), "another flavor may have to be fetched");
        assertFalse(EngineSetup.offlineByDefault(null, null, null, "2.7.1"), "another version may have to be fetched");
    }

    @Test
    void theEngineLineNamesDevicePyTorchAndLibrary() {
        String line = EngineSetup.describe(Device.cpu());
        assertTrue(line.startsWith("CPU (") && line.contains("PyTorch 2.7.1") && line.contains("libtorch /"), line);
    }
}
