package org.loralab.engine.demo;

import org.loralab.engine.merge.MergeMethod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
    void theSplitsShareNoDocument() {
        DemoSplits s = DemoSplits.of(DemoSettings.full());
        assertEquals(List.of(16, 24, 40), List.of(s.train().size(), s.dev().size(), s.test().size()));
        assertAllDistinct(s);
        // 3,000 dev rows from a few thousand possible notes: the templates repeat documents, which must be dropped
        DemoSettings many = new DemoSettings(8, 1, 16, 3000, 40, 1, 1, 10, 8, 7);
        assertAllDistinct(DemoSplits.of(many));
    }

    private static void assertAllDistinct(DemoSplits s) {
        Set<String> seen = new HashSet<>();
        for (List<DemoData.Pair> split : List.of(s.train(), s.dev(), s.test())) {
            for (DemoData.Pair p : split) {
                assertTrue(seen.add(p.document()), "twice in the splits: " + p.document());
            }
        }
    }

    @Test
    void everyMethodTriesTheSameBudgetStartingFromItsDefault() {
        List<Setting> space = Setting.grid(new java.util.LinkedHashMap<>(Map.of("lr", List.of(3e-3, 1e-3, 1e-2))));
        assertEquals(3, space.size());
        assertEquals(3e-3, space.get(0).number("lr"));
        List<Setting> tried = Setting.tried(space, 2, 1);
        assertEquals(2, tried.size());
        assertEquals(space.get(0), tried.get(0));
        assertEquals(tried, Setting.tried(space, 2, 1));
    }

    @Test
    void everyDemoMethodHasRoomForTheFullBudget() {
        DemoMethods.Context c = new DemoMethods.Context(dir.resolve("base"), List.of(dir.resolve("a"), dir.resolve("b")),
                new boolean[] {true, false}, dir.resolve("bank/en-medical"), List.of(),
                org.loralab.engine.train.TrainingConfig.defaults().withEpochs(20), DemoRunner.lora(), null, null);
        int budget = DemoSettings.full().tuningBudget();
        for (AdaptationMethod m : DemoMethods.all(c)) {
            int expected = m.label().equals("base model") ? 1 : budget;
            assertEquals(expected, Setting.tried(m.space(), budget, 7).size(), m.label() + " would try fewer settings than the others");
        }
    }

    @Test
    void noSplitHoldsAPretrainingDocument() {
        Set<String> excluded = DemoSplits.excludedDocuments();
        DemoSplits s = DemoSplits.of(DemoSettings.full());
        for (List<DemoData.Pair> split : List.of(s.train(), s.dev(), s.test())) {
            for (DemoData.Pair p : split) {
                assertTrue(!excluded.contains(p.document()), "the base model was pretrained on (or a default chosen on) " + p.document());
            }
        }
    }

    /**
     * The quick demo really trains: its adapters learn (B no longer zero), LoRA on the target beats the
     * base model, no output is broken text, and the report shows the protocol and examples.
     */
    @Test
    void theQuickDemoTrainsAndReportsReadableOutputs() throws Exception {
        Path model = DemoRunner.extractShippedModel(dir.resolve("base-model"));
        DemoRunner.Result result = new DemoRunner(DemoSettings.reduced(), dir.resolve("work"), model, ProgressListener.NONE).run(msg -> { });
        List<DemoRunner.Row> rows = result.rows();
        assertEquals(3 + MergeMethod.values().length, rows.size());
        Map<String, DemoRunner.Row> byMethod = rows.stream().collect(Collectors.toMap(DemoRunner.Row::method, r -> r));
        for (DemoRunner.Row r : rows) {
            assertEquals(0.0, r.replacementShare(), r.method() + " wrote U+FFFD: " + r.examples());
            assertEquals(Scoring.EXAMPLES, r.examples().size());
            for (RougeType t : DemoRunner.types()) {
                double f = DemoRunner.f1(r, t);
                assertTrue(f >= 0 && f <= 1, r.method() + " " + t.name() + " = " + f);
                assertTrue(r.rouge().get(t).low().fmeasure() <= r.rouge().get(t).high().fmeasure());
            }
        }
        for (String trained : List.of("LoRA (target only)", "continued (from en-medical)", "Adaptive Merge & Prune")) {
            DemoRunner.Row r = byMethod.get(trained);
            assertTrue(r.size().nonZeroB() > 0, trained + ": every B value is still zero, nothing was learned");
            assertTrue(r.learnedOnTarget() > 0, trained);
        }
        double base = DemoRunner.f1(byMethod.get("base model"), RougeType.ROUGE_L);
        double lora = DemoRunner.f1(byMethod.get("LoRA (target only)"), RougeType.ROUGE_L);
        assertTrue(lora > base, "LoRA on the target (" + lora + ") does not beat the base model (" + base + ")");

        DemoReport.write(result, dir.resolve("report"), "test");
        String csv = Files.readString(dir.resolve("report/results.csv"));
        assertEquals(rows.size() + 1, csv.lines().count());
        byte[] png = Files.readAllBytes(dir.resolve("report/rouge.png"));
        assertEquals((byte) 0x89, png[0]);
        String html = Files.readString(dir.resolve("report/report.html"));
        assertTrue(html.contains("Adaptive Merge &amp; Prune") && html.contains("Protocol") && html.contains("dev rows"), "protocol");
        assertTrue(html.contains(DemoReport.escape(rows.get(1).examples().get(0).reference())), "side-by-side examples");
        assertTrue(Files.readString(dir.resolve("report/results.md")).lines().count() == rows.size() + 2);
    }
}
