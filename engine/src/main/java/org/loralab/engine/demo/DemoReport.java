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

/** The demo's outputs: a console table, results.csv, rouge.png (ROUGE-L F1 with 95% intervals) and report.html. */
public final class DemoReport {

    private DemoReport() {
    }

    public static String table(List<DemoRunner.Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-32s", "method"));
        for (RougeType t : DemoRunner.types()) {
            sb.append(String.format("  %-22s", t.name() + " F1 [95% CI]"));
        }
        sb.append("\n");
        for (DemoRunner.Row r : rows) {
            sb.append(String.format("%-32s", r.method()));
            for (RougeType t : DemoRunner.types()) {
                BootstrapAggregator.Interval iv = r.rouge().get(t);
                sb.append(String.format(Locale.ROOT, "  %.3f [%.3f, %.3f]    ", iv.mid().fmeasure(), iv.low().fmeasure(), iv.high().fmeasure()));
            }
            sb.append("\n");
        }
        return sb.toString();
    }

    public static String csv(List<DemoRunner.Row> rows) {
        StringBuilder sb = new StringBuilder("method");
        for (RougeType t : DemoRunner.types()) {
            sb.append(',').append(t.name()).append("_f1,").append(t.name()).append("_f1_low,").append(t.name()).append("_f1_high");
        }
        sb.append(",seconds,example_summary\n");
        for (DemoRunner.Row r : rows) {
            sb.append(quote(r.method()));
            for (RougeType t : DemoRunner.types()) {
                BootstrapAggregator.Interval iv = r.rouge().get(t);
                sb.append(String.format(Locale.ROOT, ",%.6f,%.6f,%.6f", iv.mid().fmeasure(), iv.low().fmeasure(), iv.high().fmeasure()));
            }
            sb.append(String.format(Locale.ROOT, ",%.2f,", r.seconds())).append(quote(r.example())).append('\n');
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
        g.drawString(type.name() + " F1 on the held-out target rows (bars: bootstrap mid, whiskers: 95% interval)", 10, 25);
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

    public static String html(List<DemoRunner.Row> rows, byte[] png, String title) {
        StringBuilder sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
                        + "td.ex{text-align:left}</style></head><body><h1>").append(escape(title)).append("</h1>")
                .append("<img alt=\"ROUGE-L chart\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                .append("\"><table><tr><th>method</th>");
        for (RougeType t : DemoRunner.types()) {
            sb.append("<th>").append(t.name()).append(" F1 [95% CI]</th>");
        }
        sb.append("<th>seconds</th><th>first test summary</th></tr>");
        for (DemoRunner.Row r : rows) {
            sb.append("<tr><td>").append(escape(r.method())).append("</td>");
            for (RougeType t : DemoRunner.types()) {
                BootstrapAggregator.Interval iv = r.rouge().get(t);
                sb.append(String.format(Locale.ROOT, "<td>%.3f [%.3f, %.3f]</td>", iv.mid().fmeasure(), iv.low().fmeasure(), iv.high().fmeasure()));
            }
            sb.append(String.format(Locale.ROOT, "<td>%.1f</td><td class=\"ex\">", r.seconds())).append(escape(r.example())).append("</td></tr>");
        }
        return sb.append("</table></body></html>\n").toString();
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Writes results.csv, rouge.png and report.html into {@code dir}. */
    public static void write(List<DemoRunner.Row> rows, Path dir, String title) throws IOException {
        byte[] png = chart(rows, RougeType.ROUGE_L);
        AtomicFiles.writeString(dir.resolve("results.csv"), csv(rows));
        AtomicFiles.write(dir.resolve("rouge.png"), out -> out.write(png));
        AtomicFiles.writeString(dir.resolve("report.html"), html(rows, png, title));
    }
}
