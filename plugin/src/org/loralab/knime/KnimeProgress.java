package org.loralab.knime;

import java.util.ArrayList;
import java.util.List;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionMonitor;
import org.loralab.engine.jobs.TrainLora;

/**
 * Forwards the engine's progress to a KNIME execution monitor and the user's cancel button back
 * to the engine, which polls it between steps. Epoch losses are kept for the node's history table.
 */
public final class KnimeProgress implements TrainLora.Progress {

    /** One finished epoch. */
    public record Epoch(int epoch, double trainLoss, double validationLoss) {
    }

    private final ExecutionMonitor monitor;
    private final List<Epoch> epochs = new ArrayList<>();

    public KnimeProgress(final ExecutionMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public void onProgress(final long done, final long total, final String message) {
        if (total > 0) {
            monitor.setProgress(Math.min(1.0, (double) done / total), message);
        } else {
            monitor.setMessage(message);
        }
    }

    @Override
    public boolean isCancelled() {
        try {
            monitor.checkCanceled();
            return false;
        } catch (CanceledExecutionException e) {
            return true;
        }
    }

    @Override
    public void onEpoch(final int epoch, final double trainLoss, final double validationLoss) {
        synchronized (epochs) {
            epochs.add(new Epoch(epoch, trainLoss, validationLoss));
        }
    }

    public List<Epoch> epochs() {
        synchronized (epochs) {
            return List.copyOf(epochs);
        }
    }
}
