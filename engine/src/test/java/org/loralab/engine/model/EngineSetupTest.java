package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** Offline by default only where nothing asks otherwise; the engine line names device, PyTorch and library. */
class EngineSetupTest {

    @Test
    void offlineOnlyWhenTheUserConfiguredNothingThatNeedsFetching() {
        assertTrue(EngineSetup.offlineByDefault(null, null, null, null, true), "bundled CPU natives: offline");
        assertFalse(EngineSetup.offlineByDefault("false", null, null, null, true), "the user's offline setting wins");
        assertFalse(EngineSetup.offlineByDefault("true", "/opt/libtorch", null, null, true), "the user's offline setting wins");
        assertTrue(EngineSetup.offlineByDefault(null, "/opt/libtorch", "cu128", "2.7.1", true), "a local libtorch needs no download");
        assertFalse(EngineSetup.offlineByDefault(null, null, "cu128", null, true), "another flavor may have to be fetched");
        assertFalse(EngineSetup.offlineByDefault(null, null, null, "2.7.1", true), "another version may have to be fetched");
        assertFalse(EngineSetup.offlineByDefault(null, null, null, null, false), "no natives for this machine (Windows, macOS): DJL downloads them");
        assertTrue(EngineSetup.offlineByDefault(null, "/opt/libtorch", null, null, false), "a local libtorch needs no download anywhere");
    }

    /** The build ships Linux x86-64's natives: found there, so DJL stays offline; elsewhere it must download. */
    @Test
    void theShippedNativesAreRecognisedOnTheirPlatform() {
        boolean linux64 = System.getProperty("os.name").toLowerCase().startsWith("linux")
                && java.util.List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        assertEquals(linux64, EngineSetup.nativesBundledForThisMachine());
    }

    @Test
    void theEngineLineNamesDevicePyTorchAndLibrary() {
        String line = EngineSetup.describe(Device.cpu());
        assertTrue(line.startsWith("CPU (") && line.contains("PyTorch 2.7.1") && line.contains("libtorch /"), line);
    }
}
