package org.loralab.extension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralab.engine.demo.DemoData;
import org.loralab.engine.demo.DemoRunner;
import org.loralab.engine.lora.LoraConfig;

/**
 * Writes the test workflow that chains the five nodes on the demo data, as KNIME 5.5 saves
 * workflows (workflow.knime plus a settings.xml per node). The committed copy under
 * test-workflows/ must equal what this writes: {@link TestWorkflowsTest} checks it, and rewrites
 * it when run with {@code -Dloralab.writeWorkflows=true}.
 *
 * The chain mirrors the demo: two bank adapters (English medical, Japanese weather) are trained,
 * the bank is read, Adaptive Merge & Prune adapts them to Japanese medical summaries from 16
 * examples, the merged adapter summarizes four unseen documents, and ROUGE scores them.
 */
final class DemoWorkflow {

    static final String NAME = "LoRA_Lab_demo_chain";
    static final String TABLE_CREATOR = "org.knime.base.node.io.tablecreator.TableCreator2NodeFactory";
    static final String PROMPT = "{document}\nSummary:";

    /** One node: id, name, factory, settings ("model" values), position. */
    record WorkflowNode(int id, String name, String factory, ConfigXml model, int x, int y) {
        String folder() {
            return name + " (#" + id + ")";
        }
    }

    /** A connection from (node, port) to (node, port); port 0 is the flow-variable port. */
    record Connection(int source, int sourcePort, int dest, int destPort) {
    }

    final List<WorkflowNode> nodes = new ArrayList<>();
    final List<Connection> connections = new ArrayList<>();

    static DemoWorkflow build() {
        DemoWorkflow w = new DemoWorkflow();
        DemoData.Domain target = DemoRunner.TARGET_DOMAIN;
        DemoData.Lang targetLang = DemoRunner.TARGET_LANG;
        List<DemoData.Pair> targetRows = DemoData.generate(target, targetLang, 20, 2);

        w.add(1, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"),
                rows(DemoData.generate(target, DemoData.Lang.EN, 200, 1))), 50, 50);
        w.add(2, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"),
                rows(DemoData.generate(DemoData.Domain.WEATHER, targetLang, 200, 1))), 50, 200);
        w.add(3, "Train LoRA", "org.loralab.knime.train.TrainLoraNodeFactory",
                train("knime://knime.workflow/data/bank/en-medical", "en", "medical"), 200, 50);
        w.add(4, "Train LoRA", "org.loralab.knime.train.TrainLoraNodeFactory",
                train("knime://knime.workflow/data/bank/ja-weather", "ja", "weather"), 200, 200);
        w.add(5, "Adapter Bank Reader", "org.loralab.knime.bank.AdapterBankReaderNodeFactory", bankReader(), 350, 125);
        w.add(6, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"),
                rows(targetRows.subList(0, 16))), 350, 275);
        w.add(7, "Adaptive Merge & Prune", "org.loralab.knime.merge.AdaptiveMergeNodeFactory", merge(), 500, 200);
        w.add(8, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "reference"),
                rows(targetRows.subList(16, 20))), 500, 350);
        w.add(9, "Summarize", "org.loralab.knime.summarize.SummarizeNodeFactory", summarize(), 650, 275);
        w.add(10, "ROUGE Scorer", "org.loralab.knime.rouge.RougeScorerNodeFactory", rouge(), 800, 275);

        w.connect(1, 1, 3, 1);
        w.connect(2, 1, 4, 1);
        w.connect(3, 0, 4, 0); // train the bank one adapter at a time
        w.connect(4, 0, 5, 0); // read the bank once both adapters are in it
        w.connect(5, 1, 7, 1);
        w.connect(6, 1, 7, 2);
        w.connect(7, 1, 9, 1);
        w.connect(8, 1, 9, 2);
        w.connect(9, 1, 10, 1);
        return w;
    }

    private void add(int id, String name, String factory, ConfigXml model, int x, int y) {
        nodes.add(new WorkflowNode(id, name, factory, model, x, y));
    }

    private void connect(int source, int sourcePort, int dest, int destPort) {
        connections.add(new Connection(source, sourcePort, dest, destPort));
    }

    private static List<List<String>> rows(List<DemoData.Pair> pairs) {
        return pairs.stream().map(p -> List.of(p.document(), p.summary())).toList();
    }

    // ---- node settings: every key of the node's settings class, in its order ----

    private static ConfigXml settings(String factory, Map<String, String> values) {
        NodeSources node = NodeSources.of(factory);
        ConfigXml model = new ConfigXml("model");
        Map<String, String> types = node.settings();
        if (!types.keySet().equals(values.keySet())) {
            throw new IllegalStateException(factory + ": workflow settings " + values.keySet() + " differ from the node's " + types.keySet());
        }
        types.forEach((key, type) -> {
            model.config(key + "_Internals").string("SettingsModelID", modelId(type)).bool("EnabledStatus", true);
            model.typed(key, type, values.get(key));
        });
        return model;
    }

    private static String modelId(String type) {
        return switch (type) {
            case "xstring" -> "SMID_string";
            case "xboolean" -> "SMID_boolean";
            case "xint" -> "SMID_integer";
            case "xdouble" -> "SMID_double";
            case "xlong" -> "SMN_long";
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, String> prompt() {
        return map("prompt_template", PROMPT, "prompt_language", "", "prompt_chat", "false");
    }

    private static ConfigXml train(String output, String language, String domain) {
        Map<String, String> v = map("base_model", "demo", "document_column", "document", "summary_column", "summary",
                "output_folder", output, "overwrite", "true", "rank", "8", "alpha", "16.0", "dropout", "0.05",
                "target_modules", String.join(",", LoraConfig.ALL_LINEAR), "rslora", "false", "lora_trf", "false",
                "epochs", "5", "learning_rate", "0.003", "batch_size", "8", "gradient_accumulation", "1", "lr_schedule", "linear",
                "warmup_ratio", "0.1", "weight_decay", "0.0", "max_grad_norm", "1.0", "max_length", "384", "seed", "7",
                "early_stopping_patience", "0", "checkpoint_folder", "", "resume", "false", "checkpoint_every_steps", "0",
                "language", language, "domain", domain, "task", "summarization",
                "description", domain + " summaries in " + (language.equals("ja") ? "Japanese" : "English"));
        v.putAll(prompt());
        v.put("device", "auto");
        return settings("org.loralab.knime.train.TrainLoraNodeFactory", v);
    }

    private static ConfigXml bankReader() {
        return settings("org.loralab.knime.bank.AdapterBankReaderNodeFactory",
                map("bank_folder", "knime://knime.workflow/data/bank", "base_model", "demo", "only_usable", "true"));
    }

    private static ConfigXml merge() {
        Map<String, String> v = map("base_model", "demo", "path_column", "path", "only_valid", "true", "method", "adaptive",
                "weights", "", "document_column", "document", "summary_column", "summary", "prune_ratio", "0.5",
                "importance", "saliency", "granularity", "rank", "prune_schedule", "iterative", "epochs", "20",
                "learning_rate", "0.003", "batch_size", "4", "density", "0.5", "svd_rank", "0", "lorahub_budget", "40",
                "task_description", "", "top_k", "2", "temperature", "0.05", "seed", "42",
                "output_folder", "knime://knime.workflow/data/merged/ja-medical", "overwrite", "true", "export_merged_model", "false");
        v.putAll(prompt());
        v.put("device", "auto");
        return settings("org.loralab.knime.merge.AdaptiveMergeNodeFactory", v);
    }

    private static ConfigXml summarize() {
        Map<String, String> v = map("base_model", "", "document_column", "document", "merge_adapter", "false",
                "max_input_tokens", "1024", "batch_size", "4", "max_new_tokens", "48", "sample", "false", "temperature", "0.0",
                "top_k", "0", "top_p", "0.0", "beams", "0", "seed", "42", "dtype", "auto", "device", "auto");
        v.putAll(prompt());
        return settings("org.loralab.knime.summarize.SummarizeNodeFactory", v);
    }

    private static ConfigXml rouge() {
        return settings("org.loralab.knime.rouge.RougeScorerNodeFactory", map("prediction_column", "summary",
                "reference_column", "reference", "more_reference_columns", "", "language", "ja", "language_column", "",
                "japanese_tokens", "morpheme", "use_stemmer", "true", "rouge1", "true", "rouge2", "true", "rougeL", "true",
                "rougeLsum", "true", "bootstrap_samples", "1000", "confidence", "0.95", "seed", "42"));
    }

    /** KNIME's Table Creator: string columns, cells listed row by row. */
    static ConfigXml tableCreator(List<String> columns, List<List<String>> rows) {
        ConfigXml model = new ConfigXml("model");
        ConfigXml rowIndices = model.config("rowIndices").integer("array-size", rows.size() * columns.size());
        ConfigXml columnIndices = model.config("columnIndices").integer("array-size", rows.size() * columns.size());
        ConfigXml values = model.config("values").integer("array-size", rows.size() * columns.size());
        int i = 0;
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns.size(); c++, i++) {
                rowIndices.integer(Integer.toString(i), r);
                columnIndices.integer(Integer.toString(i), c);
                values.string(Integer.toString(i), rows.get(r).get(c));
            }
        }
        model.string("rowIdPrefix", "Row").string("rowIdSuffix", "").integer("rowIdStartValue", 0).bool("highlightOutputTable", false);
        ConfigXml props = model.config("columnProperties");
        for (int c = 0; c < columns.size(); c++) {
            ConfigXml p = props.config(Integer.toString(c));
            p.bool("UserSetValues", false).string("MissValuePattern", "").string("FormatParameter", null)
                    .bool("ReadPossValsFromFile", false).bool("SkipThisColumn", false).string("ColumnName", columns.get(c));
            p.config("ColumnClass").string("cell_class", "org.knime.core.data.def.StringCell").bool("is_null", false);
        }
        return model;
    }

    // ---- files ----

    /** Every file of the workflow, by path relative to the workflow folder. */
    Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("workflow.knime", workflowKnime());
        files.put("workflow-metadata.xml", METADATA);
        for (WorkflowNode n : nodes) {
            files.put(n.folder() + "/settings.xml", nodeSettings(n));
        }
        return files;
    }

    void write(Path dir) throws IOException {
        for (Map.Entry<String, String> f : files().entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
    }

    private String workflowKnime() {
        ConfigXml w = new ConfigXml("workflow.knime");
        w.string("created_by", "5.5.0.v202507011000").bool("created_by_nightly", false).string("version", "5.1.0").string("name", null);
        w.config("authorInformation").string("authored-by", "LoRA Lab").string("authored-when", "2026-11-22 00:00:00 +0000")
                .string("lastEdited-by", null).string("lastEdited-when", null);
        w.string("customDescription", null).string("state", "IDLE");
        w.config("workflow_credentials");
        ConfigXml nodeList = w.config("nodes");
        for (WorkflowNode n : nodes) {
            ConfigXml c = nodeList.config("node_" + n.id());
            c.integer("id", n.id()).string("node_settings_file", n.folder() + "/settings.xml").bool("node_is_meta", false)
                    .string("node_type", "NativeNode").string("ui_classname", "org.knime.core.node.workflow.NodeUIInformation");
            ConfigXml bounds = c.config("ui_settings").config("extrainfo.node.bounds").integer("array-size", 4);
            bounds.integer("0", n.x()).integer("1", n.y()).integer("2", 75).integer("3", 80);
        }
        ConfigXml connectionList = w.config("connections");
        for (int i = 0; i < connections.size(); i++) {
            Connection k = connections.get(i);
            ConfigXml c = connectionList.config("connection_" + i);
            c.integer("sourceID", k.source()).integer("destID", k.dest()).integer("sourcePort", k.sourcePort())
                    .integer("destPort", k.destPort()).string("ui_classname", "org.knime.core.node.workflow.ConnectionUIInformation");
            c.config("ui_settings").integer("extrainfo.conn.bendpoints_size", 0);
        }
        return w.document();
    }

    private static String nodeSettings(WorkflowNode n) {
        boolean ours = n.factory().startsWith("org.loralab.");
        ConfigXml s = new ConfigXml("settings.xml");
        s.string("node_file", "settings.xml");
        s.config("flow_stack");
        s.config("internal_node_subsettings").string("memory_policy", "CacheSmallInMemory");
        s.add(n.model());
        s.string("customDescription", null).string("state", "IDLE").string("factory", n.factory()).string("node-name", n.name());
        if (ours) {
            s.string("node-bundle-name", "LoRA Lab").string("node-bundle-symbolic-name", "org.loralab.knime")
                    .string("node-bundle-vendor", "LoRA Lab").string("node-bundle-version", "0.1.0.qualifier")
                    .string("node-feature-name", "LoRA Lab").string("node-feature-symbolic-name", "org.loralab.knime.feature.feature.group")
                    .string("node-feature-vendor", "LoRA Lab").string("node-feature-version", "0.1.0.qualifier");
        } else {
            s.string("node-bundle-name", "KNIME Base Nodes").string("node-bundle-symbolic-name", "org.knime.base")
                    .string("node-bundle-vendor", "KNIME AG, Zurich, Switzerland").string("node-bundle-version", "5.5.0")
                    .string("node-feature-name", "KNIME Core").string("node-feature-symbolic-name", "org.knime.features.base.feature.group")
                    .string("node-feature-vendor", "KNIME AG, Zurich, Switzerland").string("node-feature-version", "5.5.0");
        }
        s.config("factory_settings");
        s.string("name", n.name()).bool("hasContent", false).bool("isInactive", false);
        s.config("ports");
        s.config("filestores").string("file_store_location", null).string("file_store_id", null);
        return s.document();
    }

    private static final String METADATA = """
            <?xml version="1.0" encoding="UTF-8"?>
            <workflow-metadata content-type="text/plain" xmlns="http://www.knime.org/core/node/workflow/metadata/v1.0">
                <description>LoRA Lab's five nodes chained on the demo data: train two bank adapters (English medical, \
            Japanese weather, 200 rows each) on the shipped demo base model, read the bank, adapt it to Japanese medical \
            summaries from 16 examples with Adaptive Merge &amp; Prune, summarize four unseen documents and score them with ROUGE. \
            Adapters are written under the workflow's data folder. Runs on two CPU cores in about two minutes.</description>
            </workflow-metadata>
            """;
}
