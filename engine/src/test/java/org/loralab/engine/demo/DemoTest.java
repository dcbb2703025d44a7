package org.loralab.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.rouge.RougeType;

class DemoTest {

    @TempDir
    Path dir;

    @Test
    void dataIsSeededAndNaturalInBothLanguages() {
        List<DemoData.Pair> a = DemoData.generate(DemoData.Domain.MEDICAL, DemoData.Lang.JA, 5, 3);
        assertEquals(a, DemoData.generate(DemoData.Domain.MEDICAL, DemoData.Lang.JA, 5, 3));
        assertTrue(a.get(0).document().startsWith("患者") && a.get(0).document().endsWith("経過観察。"), a.get(0).document());
        DemoData.Pair en = DemoData.generate(DemoData.Domain.WEATHER, DemoData.Lang.EN, 1, 3).get(0);
        assertTrue(en.document().contains(" expects ") && en.summary().contains(", high "), en.toString());
    }

    @Test
    void aReducedDemoWritesItsReportWithNumbers() throws Exception {
        Path model = DemoRunner.extractShippedModel(dir.resolve("base-model"));
        List<DemoRunner.Row> rows = new DemoRunner(DemoSettings.reduced(), dir.resolve("work"), model, ProgressListener.NONE)
                .run(msg -> { });
        assertEquals(3 + MergeJob.Method.values().length, rows.size());
        for (DemoRunner.Row r : rows) {
            for (RougeType t : DemoRunner.types()) {
                double f = DemoRunner.f1(r, t);
                assertTrue(f >= 0 && f <= 1, r.method() + " " + t.name() + " = " + f);
                assertTrue(r.rouge().get(t).low().fmeasure() <= r.rouge().get(t).high().fmeasure());
            }
        }
        DemoReport.write(rows, dir.resolve("report"), "test");
        String csv = Files.readString(dir.resolve("report/results.csv"));
        assertEquals(rows.size() + 1, csv.lines().count());
        assertTrue(csv.lines().skip(1).allMatch(l -> l.split(",")[1].matches("\\d\\.\\d{6}")), csv);
        byte[] png = Files.readAllBytes(dir.resolve("report/rouge.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertTrue(Files.readString(dir.resolve("report/report.html")).contains("Adaptive Merge &amp; Prune"));
    }
}
