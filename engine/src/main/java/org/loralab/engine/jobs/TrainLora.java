package org.loralab.engine.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.loralab.engine.bank.AdapterReference;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.model.BaseModelLocation;
import org.loralab.engine.model.DeviceChoice;
import org.loralab.engine.model.EngineSetup;
import org.loralab.engine.model.ModelCache;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.params.TrainParams;
import org.loralab.engine.train.TrainLoraJob;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;

/**
 * Train LoRA for a front end: rows in, an adapter folder and its reference out. Its nested
 * {@link Progress} and {@link Engine} serve all five jobs (progress and cancellation, engine setup,
 * base model folders), so a front end needs no other engine type.
 */
public final class TrainLora {

    private TrainLora() {
    }

    /** Progress, cancellation (polled between steps) and epoch losses from any job. */
    public interface Progress extends TrainingListener {
    }

    /** (document, summary) rows checked the way training checks them. */
    public static final class Rows {
        final List<TrainingExample> examples;

        private Rows(final List<TrainingExample> examples) {
            this.examples = List.copyOf(examples);
        }

        /** An empty set (no validation table, or a merge that learns nothing). */
        public static Rows none() {
            return new Rows(List.of());
        }

        public int size() {
            return examples.size();
        }
    }

    /** Builds {@link Rows}, one row at a time, collecting each row's problems under its own name. */
    public static final class RowsBuilder {
        private final List<TrainingExample> rows = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();

        /** Adds a row; {@code name} replaces the row number in its problems (e.g. "RowID 'Row3'"). */
        public void add(final String name, final String document, final String summary) {
            TrainingExample e = new TrainingExample(rows.size(), document, summary);
            for (String p : TrainingExample.problems(List.of(e))) {
                problems.add(name + p.substring(p.indexOf(':')));
            }
            rows.add(e);
        }

        public boolean isEmpty() {
            return rows.isEmpty();
        }

        public List<String> problems() {
            return List.copyOf(problems);
        }

        public Rows build() {
            return new Rows(rows);
        }
    }

    /**
     * A reference to an adapter folder as a front end keeps it on a workflow connection: where it
     * was written, the setting that named it, its fingerprint, base model and the details to show
     * (the engine's {@code AdapterReference}).
     */
    public static final class Adapter {
        final AdapterReference ref;

        Adapter(final AdapterReference ref) {
            this.ref = ref;
        }

        /** Resolves a location setting to a local folder; may throw when it cannot. */
        @FunctionalInterface
        public interface Resolver {
            Path resolve(String location) throws Exception;
        }

        /** The reference saved by {@link #toMap()} (also by earlier releases). */
        public static Adapter fromMap(final Map<String, String> map) {
            return new Adapter(AdapterReference.fromMap(map));
        }

        public Map<String, String> toMap() {
            return ref.toMap();
        }

        /** The folder as resolved when the reference was made. */
        public Path adapter() {
            return ref.adapter();
        }

        /** The user's setting that names the folder, or null. */
        public String location() {
            return ref.location();
        }

        public String fingerprint() {
            return ref.fingerprint();
        }

        /** The base model setting the producing node used; may be null. */
        public String baseModel() {
            return ref.baseModel();
        }

        /** Display name to value, in display order. */
        public Map<String, String> details() {
            return ref.details();
        }

        public String summary() {
            return ref.summary();
        }

        /** The same reference for an adapter that now lives in {@code folder}. */
        public Adapter at(final Path folder) {
            return new Adapter(ref.at(folder));
        }

        /**
         * The folder that holds this adapter now, checked by fingerprint.
         *
         * @throws IllegalArgumentException naming the setting, the folders tried and what is wrong
         */
        public Path locate(final Resolver resolver) {
            return ref.locate(resolver::resolve);
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Adapter a && a.ref.equals(ref);
        }

        @Override
        public int hashCode() {
            return ref.hashCode();
        }

        @Override
        public String toString() {
            return ref.toString();
        }
    }

    /** The trained adapter's reference and the document tokens cut to the maximum length. */
    public record Result(Adapter reference, int droppedDocumentTokens) {
    }

    /**
     * Trains with {@code p}; {@code location} is the output setting as the user wrote it (null inside the
     * workflow), recorded in the reference.
     */
    public static Result run(final TrainParams p, final Path baseModel, final Path initAdapter, final Path output,
            final boolean overwrite, final Path checkpoint, final String location, final Rows train, final Rows validation,
            final Progress progress) throws IOException {
        TrainLoraJob.Result r = TrainLoraJob.run(p.spec(baseModel, initAdapter, output, overwrite, checkpoint),
            train.examples, validation.examples, progress);
        return new Result(new Adapter(AdapterReference.read(r.adapter(), location, p.baseModel(), ModelConfig.load(baseModel))),
            r.droppedDocumentTokens());
    }

    /** Engine-wide calls every front end makes around its jobs. */
    public static final class Engine {
        private Engine() {
        }

        /** Before any engine call: offline default and the native libraries' environment. */
        public static void prepare(final boolean offlineDefault) {
            EngineSetup.prepare(offlineDefault);
        }

        /** The engine line (versions, device) for a device setting. */
        public static String describe(final String device) {
            return EngineSetup.describe(DeviceChoice.resolve(device));
        }

        /** Where the model of this thread's last job came from, once; null if none. */
        public static String takeModelOrigin() {
            return ModelCache.takeLastOnThisThread();
        }

        /** Frees idle cached models; returns how many. */
        public static int releaseIdleModels() {
            return ModelCache.shared().releaseIdle();
        }

        public static boolean isDemo(final String baseModelSetting) {
            return BaseModelLocation.isDemo(baseModelSetting);
        }

        /** The demo model's folder, extracted under {@code cacheDir} once. */
        public static Path demoModel(final Path cacheDir) throws IOException {
            return BaseModelLocation.resolve(BaseModelLocation.DEMO, cacheDir);
        }

        public static void requireModelFolder(final Path dir) throws IOException {
            BaseModelLocation.requireModelFolder(dir);
        }

        /** Turns a folder written atomically into a plain one (nothing else will write there). */
        public static void makePlain(final Path folder) throws IOException {
            AtomicFolders.makePlain(folder);
        }
    }
}
