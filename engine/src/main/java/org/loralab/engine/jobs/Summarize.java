package org.loralab.engine.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.params.SummarizeParams;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.summarize.AdapterTable;
import org.loralab.engine.summarize.PromptChoice;
import org.loralab.engine.summarize.SummarizeTable;
import org.loralab.engine.summarize.Summarizer;
import org.loralab.engine.summarize.SummaryResult;
import org.loralab.engine.table.Tables;

/**
 * Summarize for a front end: open a session on a base model (with one adapter, or per-row adapters
 * from an adapter table), then summarize documents chunk by chunk.
 */
public final class Summarize {

    public static final String SUMMARY_COLUMN = SummarizeTable.SUMMARY;
    public static final String ERROR_COLUMN = SummarizeTable.ERROR;
    /** The adapter table's (a bank listing's) name and path columns. */
    public static final String ADAPTER_NAME_COLUMN = AdapterTable.NAME;
    public static final String ADAPTER_PATH_COLUMN = AdapterTable.PATH;

    private Summarize() {
    }

    /** The per-row adapters of an adapter table: names and folders, in pairs. */
    public static final class Adapters {
        final AdapterTable table;

        private Adapters(final AdapterTable table) {
            this.table = table;
        }

        public static Adapters of(final SummarizeParams p, final List<String> names, final List<String> paths) {
            return new Adapters(AdapterTable.of(names, paths, p.promptFromAdapter()));
        }
    }

    /** An open model; close it. */
    public static final class Session implements AutoCloseable {
        private final Summarizer summarizer;
        private final String promptSource;
        private final BufferAllocator alloc;
        private GenerationConfig generation;

        private Session(final Summarizer summarizer, final String promptSource) {
            this.summarizer = summarizer;
            this.promptSource = promptSource;
            this.alloc = Tables.newAllocator("summarize-job");
        }

        /** Where the prompt came from (the node's setting or the adapter's record). */
        public String promptSource() {
            return promptSource;
        }

        /** The per-row adapters as loaded. */
        public String rowAdapters() {
            return summarizer.rowAdapters();
        }

        /**
         * The generation settings: the model's defaults with {@code p}'s applied; call once before
         * {@link #summarize}, it fails with IllegalArgumentException on bad settings.
         */
        public void checkGeneration(final SummarizeParams p) throws IOException {
            generation = p.apply(summarizer.defaults());
        }

        /**
         * Summarizes one chunk of documents, rows {@code first..} of a table of {@code total}; {@code adapterNames}
         * is null without per-row adapters.
         */
        public Chunk summarize(final List<String> documents, final List<String> adapterNames, final long first,
                final long total, final ProgressListener progress) {
            if (generation == null) {
                throw new IllegalStateException("checkGeneration first");
            }
            List<SummaryResult> results = summarizer.summarize(documents, adapterNames, generation,
                ProgressListener.offset(progress, first, total), first);
            long failed = results.stream().filter(r -> r.error() != null).count();
            return new Chunk(SummarizeTable.resultColumns(results, alloc), failed);
        }

        @Override
        public void close() {
            try {
                summarizer.close();
            } finally {
                alloc.close();
            }
        }
    }

    /** One chunk's appended columns (summary, error, token counts) and its failed rows; close it. */
    public record Chunk(VectorSchemaRoot columns, long failed) implements AutoCloseable {
        @Override
        public void close() {
            columns.close();
        }
    }

    /** Opens the model for {@code p}; {@code adapter} (one adapter folder) and {@code adapters} may be null. */
    public static Session open(final SummarizeParams p, final Path baseModel, final Path adapter, final Adapters adapters)
            throws IOException {
        PromptChoice prompt = PromptChoice.resolve(p.prompt().format(), p.promptFromAdapter(), adapter);
        return new Session(Summarizer.open(p.options(baseModel, adapter, prompt.format()), adapters == null ? null : adapters.table),
            prompt.source());
    }
}
