package org.loralab.engine.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.loralab.engine.model.Architecture;
import org.loralab.engine.model.TinyCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tiny-model", mixinStandardHelpOptions = true,
        description = "Write a small random checkpoint in the HF format (for trying the pipeline offline).")
final class TinyModelCommand implements Callable<Integer> {

    @Option(names = {"-o", "--out"}, required = true, description = "folder to write")
    Path out;

    @Option(names = "--arch", defaultValue = "llama", description = "llama, qwen2 or qwen3 (default: ${DEFAULT-VALUE})")
    String arch;

    @Option(names = "--hidden-size", defaultValue = "64")
    int hiddenSize;

    @Option(names = "--layers", defaultValue = "2")
    int layers;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 or bfloat16")
    String dtype;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Override
    public Integer call() throws Exception {
        Architecture a = Architecture.valueOf(arch.toUpperCase(Locale.ROOT));
        new TinyCheckpoint().architecture(a).hiddenSize(hiddenSize).intermediateSize(2 * hiddenSize).layers(layers)
                .dtype(dtype).seed(seed).write(out);
        System.out.println("wrote " + a.hfName() + " checkpoint to " + out);
        return 0;
    }
}
