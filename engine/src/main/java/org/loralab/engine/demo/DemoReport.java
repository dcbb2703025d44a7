package org.loralab.engine.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.loralab.engine.io.AtomicFiles;
import org.loralab.engine.rouge.BootstrapAggregator;
import org.loralab.engine.rouge.RougeType;

/**
 * The demo's outputs: a console table, results.csv, results.md (the README's table), rouge.png
 * (ROUGE-L F1 with 95% intervals) and report.html (protocol, settings chosen on dev, sizes,
 * timings, scores and side-by-side examples).
 */
public final class DemoReport {

    private DemoReport() {
    }

    /** The protocol in words, with this run's numbers. */
    public static String protocol(DemoRunner.Result r) {
        DemoSettings s = r.settings();
        return String.format(Locale.ROOT, "Target: Japanese medical notes, three disjoint splits of distinct documents: %d training "
                + "examples, %d dev rows, %d test rows. Bank: %d rank-%d LoRA adapters (all linear layers), one per other "
                + "(domain, language) pair, %d rows and %d epochs each. Every method tries the same number of settings, "
                + "%d: its default and %d more drawn at random (seed %d) from its search space, each scored by mean ROUGE-L F1 "
                + "on dev; only the chosen one is run on the test split, once. Scores: ROUGE on Kuromoji morphemes, F1 with 95%% "
                + "bootstrap intervals (%d resamples). Greedy decoding, at most %d new tokens.",
                s.targetRows(), s.devRows(), s.testRows(), r.bank().size(), DemoRunner.lora().r(), s.bankRows(), s.bankEpochs(), s.tuningBudget(),
                s.tuningBudget() - 1, s.seed(), s.bootstrap(), s.maxNewTokens());
    }

    public static String table(List<DemoRunner.Row> rows) {
        StringBuilder sb = new StringBuilder(String.format("%-32s", "method"));
        for (RougeType t : DemoRunner.types()) {
            sb.append(String.format("  %-22s", t.name() + " F1 [95% CI]"));
        }
        sb.append("  dev R-L  chosen on dev\n");
        for (DemoRunner.Row r : rows) {
            sb.append(String.format("%-32s", r.method()));
            for (RougeType t : DemoRunner.types()) {
                sb.append("  ").append(String.format("%-22s", interval(r.rouge().get(t))));
            }
            sb.append(String.format(Locale.ROOT, "  %.3f    %s%n", r.devRougeL(), r.chosen()));
        }
        return sb.toString();
    }

    static String interval(BootstrapAggregator.Interval iv) {
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", iv.mid().fmeasure(), iv.low().fmeasure(), iv.high().fmeasure());
    }

    /** The README's table: what this run gave, not edited by hand. */
    public static String markdown(DemoRunner.Result result) {
        StringBuilder sb = new StringBuilder("| method | chosen on dev | dev ROUGE-L | test ROUGE-L F1 [95% CI] | rank | adapter values "
                + "(non-zero) | learned on the " + result.settings().targetRows() + " examples |\n|---|---|---|---|---|---|---|\n");
        for (DemoRunner.Row r : result.rows()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %s | %d | %,d (%,d) | %,d |%n", r.method(), r.chosen(), r.devRougeL(),
                    interval(r.rouge().get(RougeType.ROUGE_L)), r.size().rank(), r.size().values(), r.size().nonZero(), r.learnedOnTarget()));
        }
        return sb.toString();
    }

    public static String csv(List<DemoRunner.Row> rows) {
        StringBuilder sb = new StringBuilder("method");
        for (RougeType t : DemoRunner.types()) {
            sb.append(',').append(t.name()).append("_f1,").append(t.name()).append("_f1_low,").append(t.name()).append("_f1_high");
        }
        sb.append(",dev_rouge_l_f1,chosen_settings,rank,adapter_values,adapter_nonzero,learned_on_target,seconds,u_fffd_share,"
                + "example_summary\n");
        for (DemoRunner.Row r : rows) {
            sb.append(quote(r.method()));
            for (RougeType t : DemoRunner.types()) {
                BootstrapAggregator.Interval iv = r.rouge().get(t);
                sb.append(String.format(Locale.ROOT, ",%.6f,%.6f,%.6f", iv.mid().fmeasure(), iv.low().fmeasure(), iv.high().fmeasure()));
            }
            sb.append(String.format(Locale.ROOT, ",%.6f,%s,%d,%d,%d,%d,%.2f,%.4f,", r.devRougeL(), quote(r.chosen().toString()),
                    r.size().rank(), r.size().values(), r.size().nonZero(), r.learnedOnTarget(), r.seconds(), r.replacementShare()));
            sb.append(quote(r.examples().isEmpty() ? "" : r.examples().get(0).output())).append('\n');
        }
        return sb.toString();
    }

    static String quote(String s) {
        return "\"" + (s == null ? "" : s.replace("\"", "\"\"")) + "\"";
    }

    public static byte[] chart(List<DemoRunner.Row> rows, RougeType type) throws IOException {
        int rowHeight = 26;
        int width = 900;
        int left = 260;
        int top = 50;
        int height = top + rows.size() * rowHeight + 40;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(type.name() + " F1 on the test split (bars: bootstrap mid, whiskers: 95% interval)", 10, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        double max = rows.stream().mapToDouble(r -> r.rouge().get(type).high().fmeasure()).max().orElse(1);
        double scale = (width - left - 70) / Math.max(max, 1e-9); // room for the value label
        for (int i = 0; i < rows.size(); i++) {
            DemoRunner.Row r = rows.get(i);
            BootstrapAggregator.Interval iv = r.rouge().get(type);
            int y = top + i * rowHeight;
            g.setColor(Color.DARK_GRAY);
            g.drawString(r.method(), 10, y + 16);
            g.setColor(r.method().startsWith("Adaptive") ? new Color(0xD95F02) : new Color(0x1B9E77));
            g.fillRect(left, y + 4, (int) (iv.mid().fmeasure() * scale), rowHeight - 10);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f));
            int lo = left + (int) (iv.low().fmeasure() * scale);
            int hi = left + (int) (iv.high().fmeasure() * scale);
            g.drawLine(lo, y + rowHeight / 2, hi, y + rowHeight / 2);
            g.drawLine(lo, y + 6, lo, y + rowHeight - 6);
            g.drawLine(hi, y + 6, hi, y + rowHeight - 6);
            g.drawString(String.format(Locale.ROOT, "%.3f", iv.mid().fmeasure()), hi + 6, y + 16);
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    public static String html(DemoRunner.Result result, byte[] png, String title) {
        StringBuilder sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title><style>body{font-family:sans-serif;margin:2em;max-width:80em}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;"
                        + "vertical-align:top}td.l,th.l{text-align:left}</style></head><body><h1>").append(escape(title)).append("</h1>");
        sb.append("<h2>Protocol</h2><p>").append(escape(protocol(result))).append("</p><p>Bank: ")
                .append(escape(String.join(", ", result.bank()))).append(".</p>");
        sb.append("<h2>Scores on the test split</h2><img alt=\"ROUGE-L chart\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\"><table><tr><th class=\"l\">method</th>");
        for (RougeType t : DemoRunner.types()) {
            sb.append("<th>").append(t.name()).append(" F1 [95% CI]</th>");
        }
        sb.append("<th>outputs with U+FFFD</th><th>rank</th><th>adapter values (non-zero)</th><th>learned on target</th>"
                + "<th>seconds</th></tr>");
        for (DemoRunner.Row r : result.rows()) {
            sb.append("<tr><td class=\"l\">").append(escape(r.method())).append("</td>");
            for (RougeType t : DemoRunner.types()) {
                sb.append("<td>").append(interval(r.rouge().get(t))).append("</td>");
            }
            sb.append(String.format(Locale.ROOT, "<td>%.1f%%</td><td>%d</td><td>%,d (%,d)</td><td>%,d</td><td>%.1f</td></tr>",
                    100 * r.replacementShare(), r.size().rank(), r.size().values(), r.size().nonZero(), r.learnedOnTarget(), r.seconds()));
        }
        sb.append("</table><h2>Settings tried on dev (mean ROUGE-L F1), chosen in bold</h2><table><tr><th class=\"l\">method</th>"
                + "<th class=\"l\">settings: dev score</th></tr>");
        for (DemoRunner.Row r : result.rows()) {
            sb.append("<tr><td class=\"l\">").append(escape(r.method())).append("</td><td class=\"l\">");
            for (DemoRunner.Tried t : r.tried()) {
                boolean chosen = t.setting().equals(r.chosen());
                sb.append(chosen ? "<b>" : "").append(escape(t.setting().toString()))
                        .append(String.format(Locale.ROOT, ": %.3f", t.devRougeL())).append(chosen ? "</b>" : "").append("<br>");
            }
            sb.append("</td></tr>");
        }
        sb.append("</table><h2>Time per stage</h2><table><tr><th class=\"l\">stage</th><th>seconds</th></tr>");
        for (DemoRunner.Stage s : result.stages()) {
            sb.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%.1f</td></tr>", escape(s.name()), s.seconds()));
        }
        sb.append("</table><h2>Examples from the test split</h2>");
        for (DemoRunner.Row r : result.rows()) {
            sb.append("<h3>").append(escape(r.method())).append("</h3><table><tr><th class=\"l\">document</th><th class=\"l\">reference"
                    + "</th><th class=\"l\">output</th></tr>");
            for (DemoRunner.Example e : r.examples()) {
                sb.append("<tr><td class=\"l\">").append(escape(e.document())).append("</td><td class=\"l\">").append(escape(e.reference()))
                        .append("</td><td class=\"l\">").append(escape(e.output())).append("</td></tr>");
            }
            sb.append("</table>");
        }
        return sb.append("</body></html>\n").toString();
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Writes results.csv, results.md, rouge.png and report.html into {@code dir}. */
    public static void write(DemoRunner.Result result, Path dir, String title) throws IOException {
        byte[] png = chart(result.rows(), RougeType.ROUGE_L);
        AtomicFiles.writeString(dir.resolve("results.csv"), csv(result.rows()));
        AtomicFiles.writeString(dir.resolve("results.md"), markdown(result));
        AtomicFiles.write(dir.resolve("rouge.png"), out -> out.write(png));
        AtomicFiles.writeString(dir.resolve("report.html"), html(result, png, title));
    }
}
