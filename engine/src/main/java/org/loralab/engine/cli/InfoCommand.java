package org.loralab.engine.cli;

import java.util.concurrent.Callable;
import org.loralab.engine.model.DeviceChoice;
import org.loralab.engine.model.EngineSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Which device and PyTorch library LoRA Lab would use here, and the settings that decided it. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the device and PyTorch library the engine uses.")
final class InfoCommand implements Callable<Integer> {

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
    String device;

    /** The line the model-loading commands print first, so a log says what the work ran on. */
    static void printEngine(String device) {
        System.out.println("engine: " + EngineSetup.describe(DeviceChoice.resolve(device)));
    }

    @Override
    public Integer call() {
        System.out.print(EngineSetup.configuration());
        System.out.println("engine: " + EngineSetup.describe(DeviceChoice.resolve(device)));
        return 0;
    }
}
