package org.loralab.engine.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.loralab.engine.bank.AdapterReference;
import org.loralab.engine.bank.BankTable;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.params.MergeParams;

/** Adaptive Merge &amp; Prune and the classic merges for a front end: adapter folders in, one adapter out. */
public final class Merge {

    /** A bank listing's column with the folder setting each adapter was read through. */
    public static final String LOCATION_COLUMN = BankTable.LOCATION;

    private Merge() {
    }

    /** The merged adapter's reference and each source adapter's weight (null when the method has none). */
    public record Result(TrainLora.Adapter reference, double[] weights) {
    }

    /** Merges {@code adapters} with {@code p}; {@code location} as in {@link TrainLora#run}. */
    public static Result run(final MergeParams p, final Path baseModel, final List<Path> adapters, final Path output,
            final boolean overwrite, final String location, final TrainLora.Rows target, final TrainLora.Progress progress)
            throws IOException {
        MergeJob.Result r = MergeJob.run(p.spec(baseModel, adapters, output, overwrite), target.examples, progress);
        return new Result(new TrainLora.Adapter(AdapterReference.read(r.adapter(), location, p.baseModel(), ModelConfig.load(baseModel))),
            r.weights());
    }
}
