package org.loralab.engine.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One benchmark job in a process of its own, so that its peak RSS is its own: run under
 * {@code /usr/bin/time -v} where installed (the kernel's exact peak), and watched every 100 ms: the
 * resident memory of the process and its children is summed, and the job is killed when that passes
 * the memory limit or when it runs past the time limit.
 */
final class ChildJob {

    private static final Path TIME = Path.of("/usr/bin/time");
    private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    /**
     * How a job ended.
     *
     * @param exitCode the command's exit status (-1 when killed)
     * @param wallSeconds from start to exit
     * @param peakRssKiB the kernel's peak (time -v) or, without it, the largest sum sampled
     * @param killed null, or why the job was stopped
     * @param output stdout and stderr together, without time's report
     */
    record Result(int exitCode, double wallSeconds, long peakRssKiB, String killed, String output) {

        boolean ok() {
            return killed == null && exitCode == 0;
        }

        /** What went wrong in a few words, for the table. */
        String failure() {
            if (killed != null) {
                return killed;
            }
            String last = output.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
            return "exit " + exitCode + (last.isEmpty() ? "" : ": " + (last.length() > 80 ? last.substring(0, 80) + "…" : last));
        }
    }

    private ChildJob() {
    }

    static Result run(List<String> command, Map<String, String> env, Path log, long maxRssKiB, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path timeReport = Files.createTempFile("loralab-bench-time", ".txt");
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(TIME);
        if (timed) {
            cmd.addAll(List.of(TIME.toString(), "-v", "-o", timeReport.toString()));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        long sampledPeak = 0;
        String killed = null;
        try {
            while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
                long rss = treeRssKiB(p.toHandle());
                sampledPeak = Math.max(sampledPeak, rss);
                if (rss > maxRssKiB) {
                    killed = String.format("killed at %.1f GB (limit %.1f GB)", rss / 1048576.0, maxRssKiB / 1048576.0);
                } else if (System.nanoTime() - start > timeoutSeconds * 1_000_000_000L) {
                    killed = String.format("killed after %d s (time limit) at %.1f GB", timeoutSeconds, sampledPeak / 1048576.0);
                }
                if (killed != null) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor();
                    break;
                }
            }
        } finally {
            if (p.isAlive()) { // interrupted: leave nothing running
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String output = Files.readString(log, StandardCharsets.UTF_8);
        long peak = sampledPeak;
        if (timed && killed == null) {
            Matcher m = MAX_RSS.matcher(Files.readString(timeReport, StandardCharsets.UTF_8));
            if (m.find()) {
                peak = Long.parseLong(m.group(1));
            }
        }
        Files.deleteIfExists(timeReport);
        return new Result(killed != null ? -1 : p.exitValue(), wall, peak, killed, output);
    }

    /** Resident KiB of a process and its descendants (VmRSS from /proc; 0 for any that has gone). */
    static long treeRssKiB(ProcessHandle root) {
        long sum = rssKiB(root.pid());
        for (ProcessHandle h : (Iterable<ProcessHandle>) root.descendants()::iterator) {
            sum += rssKiB(h.pid());
        }
        return sum;
    }

    private static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException | java.io.UncheckedIOException e) {
            return 0;
        }
        return 0;
    }
}
