package org.loralab.engine.cli;

import java.util.concurrent.Callable;
import org.loralab.engine.bench.RougeBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks that print figures (never run as tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Print speed and memory figures.",
        subcommands = {BenchCommand.Rouge.class})
final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "rouge", mixinStandardHelpOptions = true, description = "ROUGE scoring throughput.")
    static final class Rouge implements Callable<Integer> {
        @Option(names = "--pairs", defaultValue = "10000") int pairs;
        @Option(names = "--words", defaultValue = "400", description = "words per text (news length)") int words;
        @Option(names = "--repeats", defaultValue = "3") int repeats;

        @Override
        public Integer call() {
            RougeBenchmark.run(pairs, words, repeats);
            return 0;
        }
    }
}
