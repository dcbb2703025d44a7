package org.loralab.engine.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The demo's own summarization data: short reports in four domains (weather, sports, finance,
 * medical notes), written in English and in Japanese from templates with random slot values.
 * The summary states the report's key facts in a fixed, domain-specific way, so a model must learn
 * both which facts matter and how the domain phrases them. Seeded: the same seed, the same data.
 */
public final class DemoData {

    /** The seed of the texts the demo base model is pretrained on; the demo's own rows use other seeds. */
    public static final long PRETRAINING_SEED = 999;

    public enum Domain { WEATHER, SPORTS, FINANCE, MEDICAL }

    public enum Lang { EN, JA }

    /** One (document, summary) pair with its domain and language. */
    public record Pair(Domain domain, Lang lang, String document, String summary) {
    }

    private static final String[] CITIES_EN = {"Osaka", "Kobe", "Nagoya", "Sapporo", "Sendai", "Fukuoka", "Kyoto", "Naha"};
    private static final String[] CITIES_JA = {"大阪", "神戸", "名古屋", "札幌", "仙台", "福岡", "京都", "那覇"};
    private static final String[] DAYS_EN = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] DAYS_JA = {"月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日"};
    private static final String[] SKY_EN = {"rain", "snow", "sunshine", "fog", "thunderstorms", "clouds"};
    private static final String[] SKY_JA = {"雨", "雪", "晴れ", "霧", "雷雨", "くもり"};
    private static final String[] TEAMS_EN = {"Tigers", "Giants", "Hawks", "Carp", "Swallows", "Dragons", "Eagles", "Lions"};
    private static final String[] TEAMS_JA = {"タイガース", "ジャイアンツ", "ホークス", "カープ", "スワローズ", "ドラゴンズ", "イーグルス", "ライオンズ"};
    private static final String[] FIRMS_EN = {"Asahi Steel", "Kita Foods", "Minato Bank", "Sora Motors", "Hikari Tech", "Umi Shipping"};
    private static final String[] FIRMS_JA = {"朝日製鉄", "北食品", "港銀行", "空自動車", "光テック", "海運輸"};
    private static final String[] SYMPTOMS_EN = {"fever", "cough", "headache", "back pain", "dizziness", "sore throat"};
    private static final String[] SYMPTOMS_JA = {"発熱", "せき", "頭痛", "腰痛", "めまい", "のどの痛み"};
    private static final String[] DRUGS_EN = {"ibuprofen", "antibiotics", "rest", "fluids", "physiotherapy", "antihistamines"};
    private static final String[] DRUGS_JA = {"解熱剤", "抗生物質", "安静", "水分補給", "リハビリ", "抗ヒスタミン薬"};

    private DemoData() {
    }

    public static List<Pair> generate(Domain domain, Lang lang, int count, long seed) {
        Random r = new Random(seed * 31 + domain.ordinal() * 7L + lang.ordinal());
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(lang == Lang.EN ? english(domain, r) : japanese(domain, r));
        }
        return out;
    }

    private static String pick(String[] values, int index) {
        return values[index % values.length];
    }

    private static Pair english(Domain d, Random r) {
        int a = r.nextInt(64);
        int b = r.nextInt(64);
        int x = 1 + r.nextInt(30);
        int y = 1 + r.nextInt(9);
        return switch (d) {
            case WEATHER -> new Pair(d, Lang.EN,
                    pick(CITIES_EN, a) + " expects " + pick(SKY_EN, b) + " on " + pick(DAYS_EN, x)
                            + ". The high will be " + (x + 5) + " degrees and winds stay light.",
                    pick(SKY_EN, b) + " in " + pick(CITIES_EN, a) + ", high " + (x + 5) + ".");
            case SPORTS -> new Pair(d, Lang.EN,
                    "The " + pick(TEAMS_EN, a) + " beat the " + pick(TEAMS_EN, a + 1 + b % 7) + " " + (y + 1) + " to " + (y % 2)
                            + " on " + pick(DAYS_EN, x) + " in front of a full crowd.",
                    pick(TEAMS_EN, a) + " won " + (y + 1) + "-" + (y % 2) + ".");
            case FINANCE -> new Pair(d, Lang.EN,
                    "Shares of " + pick(FIRMS_EN, a) + " rose " + y + " percent on " + pick(DAYS_EN, x)
                            + " after profits beat forecasts.",
                    pick(FIRMS_EN, a) + " up " + y + "%.");
            case MEDICAL -> new Pair(d, Lang.EN,
                    "Patient, " + (20 + x * 2) + ", reports " + pick(SYMPTOMS_EN, a) + " for " + y
                            + " days. Plan: " + pick(DRUGS_EN, b) + " and review.",
                    (20 + x * 2) + "y, " + pick(SYMPTOMS_EN, a) + " " + y + "d, " + pick(DRUGS_EN, b) + ".");
        };
    }

    private static Pair japanese(Domain d, Random r) {
        int a = r.nextInt(64);
        int b = r.nextInt(64);
        int x = 1 + r.nextInt(30);
        int y = 1 + r.nextInt(9);
        return switch (d) {
            case WEATHER -> new Pair(d, Lang.JA,
                    pick(DAYS_JA, x) + "の" + pick(CITIES_JA, a) + "は" + pick(SKY_JA, b) + "の見込みです。最高気温は" + (x + 5) + "度です。",
                    pick(CITIES_JA, a) + "は" + pick(SKY_JA, b) + "、最高" + (x + 5) + "度。");
            case SPORTS -> new Pair(d, Lang.JA,
                    pick(DAYS_JA, x) + "、" + pick(TEAMS_JA, a) + "が" + pick(TEAMS_JA, a + 1 + b % 7) + "に" + (y + 1) + "対" + (y % 2)
                            + "で勝ちました。",
                    pick(TEAMS_JA, a) + "が" + (y + 1) + "対" + (y % 2) + "で勝利。");
            case FINANCE -> new Pair(d, Lang.JA,
                    pick(DAYS_JA, x) + "、" + pick(FIRMS_JA, a) + "の株価は利益が予想を上回り" + y + "%上昇しました。",
                    pick(FIRMS_JA, a) + "、" + y + "%高。");
            case MEDICAL -> new Pair(d, Lang.JA,
                    "患者" + (20 + x * 2) + "歳、" + y + "日前から" + pick(SYMPTOMS_JA, a) + "あり。方針は" + pick(DRUGS_JA, b) + "と経過観察。",
                    (20 + x * 2) + "歳、" + pick(SYMPTOMS_JA, a) + y + "日、" + pick(DRUGS_JA, b) + "。");
        };
    }
}
