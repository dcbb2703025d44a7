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
 * Writes the test workflows as KNIME 5.5 saves workflows (workflow.knime, workflow-metadata.xml and
 * a settings.xml per node). The committed copies under test-workflows/ must equal what this writes:
 * {@link TestWorkflowsTest} checks them, and rewrites them when run with
 * {@code -Dloralab.writeWorkflows=true}. Each runs in KNIME's BatchExecutor in a few minutes on two
 * CPU cores with the demo base model shipped in the bundle.
 */
final class TestWorkflow {

    static final String TABLE_CREATOR = "org.knime.base.node.io.tablecreator.TableCreator2NodeFactory";
    static final String TRAIN = "org.loralab.knime.train.TrainLoraNodeFactory";
    static final String BANK = "org.loralab.knime.bank.AdapterBankReaderNodeFactory";
    static final String MERGE = "org.loralab.knime.merge.AdaptiveMergeNodeFactory";
    static final String SUMMARIZE = "org.loralab.knime.summarize.SummarizeNodeFactory";
    static final String ROUGE = "org.loralab.knime.rouge.RougeScorerNodeFactory";
    static final String PROMPT = "{document}\nSummary:";
    /** When the workflows were last changed; KNIME's metadata schema requires the date. */
    static final String LAST_MODIFIED = "2026-11-23T00:00:00Z";

    /** One node: id, name, factory, settings ("model" values), setting key to workflow variable, position. */
    record WorkflowNode(int id, String name, String factory, ConfigXml model, Map<String, String> variables, int x, int y) {
        String folder() {
            return name + " (#" + id + ")";
        }
    }

    /** A connection from (node, port) to (node, port); port 0 is the flow-variable port. */
    record Connection(int source, int sourcePort, int dest, int destPort) {
    }

    /** A workflow variable: name, KNIME type identifier (INTEGER, DOUBLE, STRING) and default value. */
    record Variable(String name, String type, String value) {
    }

    final String name;
    final String description;
    final List<WorkflowNode> nodes = new ArrayList<>();
    final List<Connection> connections = new ArrayList<>();
    final List<Variable> variables = new ArrayList<>();

    private TestWorkflow(String name, String description) {
        this.name = name;
        this.description = description;
    }

    static List<TestWorkflow> all() {
        return List.of(demoChain(), parallelTraining(), scheduledJob(), rowAdapters());
    }

    /**
     * The five nodes on the demo data, as the demo runs them: two bank adapters (English medical,
     * Japanese weather) are trained, the bank is read, Adaptive Merge &amp; Prune adapts them to
     * Japanese medical summaries from 16 examples, the merged adapter summarizes four unseen
     * documents, and ROUGE scores them.
     */
    static TestWorkflow demoChain() {
        TestWorkflow w = new TestWorkflow("LoRA_Lab_demo_chain", "LoRA Lab's five nodes chained on the demo data: train two bank "
                + "adapters (English medical, Japanese weather, 200 rows each) on the shipped demo base model, read the bank, adapt "
                + "it to Japanese medical summaries from 16 examples with Adaptive Merge & Prune, summarize four unseen documents and "
                + "score them with ROUGE. Adapters are written under the workflow's data folder. Runs on two CPU cores in about two "
                + "minutes.");
        DemoData.Domain target = DemoRunner.TARGET_DOMAIN;
        DemoData.Lang targetLang = DemoRunner.TARGET_LANG;
        List<DemoData.Pair> targetRows = DemoData.generate(target, targetLang, 20, 2);

        w.add(1, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"),
                rows(DemoData.generate(target, DemoData.Lang.EN, 200, 1))), 50, 50);
        w.add(2, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"),
                rows(DemoData.generate(DemoData.Domain.WEATHER, targetLang, 200, 1))), 50, 200);
        w.add(3, "Train LoRA", TRAIN, train("knime://knime.workflow/data/bank/en-medical", "en", "medical", 5, false), 200, 50);
        w.add(4, "Train LoRA", TRAIN, train("knime://knime.workflow/data/bank/ja-weather", "ja", "weather", 5, false), 200, 200);
        w.add(5, "Adapter Bank Reader", BANK, bankReader("knime://knime.workflow/data/bank"), 350, 125);
        w.add(6, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"),
                rows(targetRows.subList(0, 16))), 350, 275);
        w.add(7, "Adaptive Merge & Prune", MERGE, merge("adaptive", 20, "knime://knime.workflow/data/merged/ja-medical", false), 500, 200);
        w.add(8, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "reference"),
                rows(targetRows.subList(16, 20))), 500, 350);
        w.add(9, "Summarize", SUMMARIZE, summarize(48), 650, 275);
        w.add(10, "ROUGE Scorer", ROUGE, rouge("ja"), 800, 275);

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

    /**
     * Two Train LoRA nodes in parallel branches (KNIME runs them at the same time on two worker
     * threads), one writing into the workflow's data folder, one keeping its adapter inside the
     * workflow (a file store); the Bank Reader lists both once both have finished, a linear merge
     * kept inside the workflow combines them, and Summarize uses it.
     */
    static TestWorkflow parallelTraining() {
        TestWorkflow w = new TestWorkflow("LoRA_Lab_parallel_training", "Two Train LoRA nodes in parallel branches on the demo "
                + "base model: one writes its adapter to the workflow's data folder, the other keeps it inside the workflow. The "
                + "Adapter Bank Reader lists both once both are done, a linear merge (kept inside the workflow) combines them and "
                + "Summarize uses it. Checks that trainings run side by side and that adapters kept in the workflow survive save "
                + "and reload.");
        w.add(1, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"),
                rows(DemoData.generate(DemoData.Domain.MEDICAL, DemoData.Lang.EN, 24, 1))), 50, 50);
        w.add(2, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"),
                rows(DemoData.generate(DemoData.Domain.WEATHER, DemoData.Lang.EN, 24, 1))), 50, 200);
        w.add(3, "Train LoRA", TRAIN, train("knime://knime.workflow/data/parallel/en-medical", "en", "medical", 2, false), 200, 50);
        w.add(4, "Train LoRA", TRAIN, train("", "en", "weather", 2, true), 200, 200);
        w.add(5, "Adapter Bank Reader", BANK, bankReader(""), 350, 125);
        w.add(6, "Adaptive Merge & Prune", MERGE, merge("linear", 1, "", true), 500, 125);
        w.add(7, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document"),
                DemoData.generate(DemoData.Domain.WEATHER, DemoData.Lang.EN, 2, 3).stream().map(p -> List.of(p.document())).toList()),
                500, 275);
        w.add(8, "Summarize", SUMMARIZE, summarize(16), 650, 200);

        w.connect(1, 1, 3, 1);
        w.connect(2, 1, 4, 1);
        w.connect(3, 1, 5, 1);
        w.connect(4, 1, 5, 2);
        w.connect(5, 1, 6, 1);
        w.connect(6, 1, 8, 1);
        w.connect(7, 1, 8, 2);
        return w;
    }

    /**
     * What a scheduled server job runs: settings driven by workflow variables, which the
     * BatchExecutor overrides from its command line ({@code -workflow.variable=epochs,2,int}).
     */
    static TestWorkflow scheduledJob() {
        TestWorkflow w = new TestWorkflow("LoRA_Lab_scheduled_job", "A scheduled job: train an adapter, summarize new documents "
                + "with it and score them. Epochs, learning rate, the adapter folder and the summary length come from workflow "
                + "variables (epochs, learning_rate, adapter_folder, max_new_tokens), which a server job or the BatchExecutor "
                + "overrides, e.g. -workflow.variable=epochs,2,int.");
        w.variables.add(new Variable("epochs", "INTEGER", "1"));
        w.variables.add(new Variable("learning_rate", "DOUBLE", "0.003"));
        w.variables.add(new Variable("adapter_folder", "STRING", "knime://knime.workflow/data/scheduled/en-weather"));
        w.variables.add(new Variable("max_new_tokens", "INTEGER", "16"));
        List<DemoData.Pair> rows = DemoData.generate(DemoData.Domain.WEATHER, DemoData.Lang.EN, 28, 4);
        w.add(1, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"), rows(rows.subList(0, 24))), 50, 50);
        w.add(2, "Train LoRA", TRAIN, train("knime://knime.workflow/data/scheduled/default", "en", "weather", 3, false), 200, 50,
                map("epochs", "epochs", "learning_rate", "learning_rate", "output_folder", "adapter_folder"));
        w.add(3, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "reference"), rows(rows.subList(24, 28))), 200, 200);
        w.add(4, "Summarize", SUMMARIZE, summarize(48), 350, 125, map("max_new_tokens", "max_new_tokens"));
        w.add(5, "ROUGE Scorer", ROUGE, rouge("en"), 500, 125);

        w.connect(1, 1, 2, 1);
        w.connect(2, 1, 4, 1);
        w.connect(3, 1, 4, 2);
        w.connect(4, 1, 5, 1);
        return w;
    }

    /**
     * Per-row adapters: a bank of two language adapters (English medical, Japanese weather) is
     * trained and read, and one Summarize runs over a mixed table whose adapter column names each
     * row's adapter (an empty cell: the base model alone), all rows in one batch.
     */
    static TestWorkflow rowAdapters() {
        TestWorkflow w = new TestWorkflow("LoRA_Lab_row_adapters", "Per-row adapters: train a bank of two language adapters "
                + "(English medical, Japanese weather) on the demo base model, read the bank, and summarize a mixed English and "
                + "Japanese table with one Summarize node whose adapter column names each row's adapter (empty: the base model). "
                + "Rows with different adapters share one batch.");
        List<DemoData.Pair> en = DemoData.generate(DemoData.Domain.MEDICAL, DemoData.Lang.EN, 66, 1);
        List<DemoData.Pair> ja = DemoData.generate(DemoData.Domain.WEATHER, DemoData.Lang.JA, 66, 1);
        w.add(1, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"), rows(en.subList(0, 64))), 50, 50);
        w.add(2, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "summary"), rows(ja.subList(0, 64))), 50, 200);
        w.add(3, "Train LoRA", TRAIN, train("knime://knime.workflow/data/bank/en-medical", "en", "medical", 2, false), 200, 50);
        w.add(4, "Train LoRA", TRAIN, train("knime://knime.workflow/data/bank/ja-weather", "ja", "weather", 2, false), 200, 200);
        w.add(5, "Adapter Bank Reader", BANK, bankReader("knime://knime.workflow/data/bank"), 350, 125);
        List<DemoData.Pair> jaMedical = DemoData.generate(DemoData.Domain.MEDICAL, DemoData.Lang.JA, 1, 3);
        w.add(6, "Table Creator", TABLE_CREATOR, tableCreator(List.of("document", "adapter"), List.of(
                List.of(en.get(64).document(), "en-medical"), List.of(ja.get(64).document(), "ja-weather"),
                List.of(en.get(65).document(), "en-medical"), List.of(jaMedical.get(0).document(), ""),
                List.of(ja.get(65).document(), "ja-weather"))), 350, 275);
        ConfigXml summarize = summarize(24, "demo");
        summarize.config("adapter_column_Internals").string("SettingsModelID", "SMID_string").bool("EnabledStatus", true);
        summarize.typed("adapter_column", "xstring", "adapter");
        w.add(7, "Summarize", SUMMARIZE, summarize, 500, 200);

        w.connect(1, 1, 3, 1);
        w.connect(2, 1, 4, 1);
        w.connect(3, 0, 4, 0); // train the bank one adapter at a time
        w.connect(4, 0, 5, 0); // read the bank once both adapters are in it
        w.connect(6, 1, 7, 2);
        w.connect(5, 1, 7, 3); // the bank listing: the adapters the rows name
        return w;
    }

    private void add(int id, String name, String factory, ConfigXml model, int x, int y) {
        add(id, name, factory, model, x, y, Map.of());
    }

    private void add(int id, String name, String factory, ConfigXml model, int x, int y, Map<String, String> variables) {
        nodes.add(new WorkflowNode(id, name, factory, model, variables, x, y));
    }

    private void connect(int source, int sourcePort, int dest, int destPort) {
        connections.add(new Connection(source, sourcePort, dest, destPort));
    }

    private static List<List<String>> rows(List<DemoData.Pair> pairs) {
        return pairs.stream().map(p -> List.of(p.document(), p.summary())).toList();
    }

    // ---- node settings: every key of the node's settings class, in its order ----

    /**
     * The node's settings in the order given here (the order the nodes saved them when the workflows
     * were made); every key of the node's schema but those added later must be given.
     */
    private static ConfigXml settings(String factory, Map<String, String> values) {
        NodeSources node = NodeSources.of(factory);
        ConfigXml model = new ConfigXml("model");
        Map<String, String> types = node.settings();
        java.util.Set<String> required = new java.util.LinkedHashSet<>(types.keySet());
        node.schema().params().stream().filter(p -> p.addedLater() && !values.containsKey(p.key())).forEach(p -> required.remove(p.key()));
        if (!required.equals(values.keySet())) {
            throw new IllegalStateException(factory + ": workflow settings " + values.keySet() + " differ from the node's " + required);
        }
        values.forEach((key, value) -> {
            model.config(key + "_Internals").string("SettingsModelID", modelId(types.get(key))).bool("EnabledStatus", true);
            model.typed(key, types.get(key), value);
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

    private static ConfigXml train(String output, String language, String domain, int epochs, boolean keepInWorkflow) {
        Map<String, String> v = map("base_model", "demo", "document_column", "document", "summary_column", "summary",
                "output_folder", output, "overwrite", "true", "keep_in_workflow", Boolean.toString(keepInWorkflow), "rank", "8",
                "alpha", "16.0", "dropout", "0.05",
                "target_modules", String.join(",", LoraConfig.ALL_LINEAR), "rslora", "false", "lora_trf", "false",
                "epochs", Integer.toString(epochs), "learning_rate", "0.003", "batch_size", "8", "gradient_accumulation", "1",
                "lr_schedule", "linear",
                "warmup_ratio", "0.1", "weight_decay", "0.0", "max_grad_norm", "1.0", "max_length", "384", "seed", "7",
                "early_stopping_patience", "0", "checkpoint_folder", "", "resume", "false", "checkpoint_every_steps", "0",
                "language", language, "domain", domain, "task", "summarization",
                "description", domain + " summaries in " + (language.equals("ja") ? "Japanese" : "English"));
        v.putAll(prompt());
        v.put("device", "auto");
        return settings(TRAIN, v);
    }

    private static ConfigXml bankReader(String folder) {
        return settings(BANK, map("bank_folder", folder, "base_model", "demo", "only_usable", "true"));
    }

    private static ConfigXml merge(String method, int epochs, String output, boolean keepInWorkflow) {
        Map<String, String> v = map("base_model", "demo", "path_column", "path", "only_valid", "true", "method", method,
                "weights", "", "document_column", "document", "summary_column", "summary", "prune_ratio", "0.5",
                "importance", "saliency", "granularity", "rank", "prune_schedule", "iterative", "epochs", Integer.toString(epochs),
                "learning_rate", "0.003", "batch_size", "4", "density", "0.5", "svd_rank", "0", "lorahub_budget", "40",
                "task_description", "", "top_k", "2", "temperature", "0.05", "seed", "42",
                "output_folder", output, "overwrite", "true", "keep_in_workflow", Boolean.toString(keepInWorkflow),
                "export_merged_model", "false");
        v.putAll(prompt());
        v.put("device", "auto");
        return settings(MERGE, v);
    }

    private static ConfigXml summarize(int maxNewTokens) {
        return summarize(maxNewTokens, "");
    }

    private static ConfigXml summarize(int maxNewTokens, String baseModel) {
        Map<String, String> v = map("base_model", baseModel, "document_column", "document", "merge_adapter", "false",
                "max_input_tokens", "1024", "batch_size", "4", "max_new_tokens", Integer.toString(maxNewTokens), "sample", "false",
                "temperature", "0.0", "top_k", "0", "top_p", "0.0", "beams", "0", "seed", "42", "dtype", "auto", "device", "auto");
        v.putAll(prompt());
        return settings(SUMMARIZE, v);
    }

    private static ConfigXml rouge(String language) {
        return settings(ROUGE, map("prediction_column", "summary",
                "reference_column", "reference", "more_reference_columns", "", "language", language, "language_column", "",
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
        files.put("workflow-metadata.xml", metadata());
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
        if (!variables.isEmpty()) {
            ConfigXml vars = w.config("workflow_variables");
            for (int i = 0; i < variables.size(); i++) {
                Variable v = variables.get(i);
                ConfigXml c = vars.config("Var_" + i).string("name", v.name()).string("class", v.type());
                c.typed("value", switch (v.type()) {
                    case "INTEGER" -> "xint";
                    case "DOUBLE" -> "xdouble";
                    default -> "xstring";
                }, v.value());
            }
        }
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
        if (!n.variables().isEmpty()) {
            // settings driven by flow variables: the "variables" tree mirrors "model" for the bound keys
            ConfigXml vars = s.config("variables");
            n.variables().forEach((key, variable) -> vars.config(key).string("used_variable", variable).string("exposed_variable", null));
        }
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

    /** KNIME's metadata-1.0 schema: the elements in order, last-modified and description required (see TestWorkflowsTest). */
    private String metadata() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<workflow-metadata content-type=\"text/plain\" xmlns=\"http://www.knime.org/core/node/workflow/metadata/v1.0\">\n"
                + "    <author>LoRA Lab</author>\n"
                + "    <last-modified>" + LAST_MODIFIED + "</last-modified>\n"
                + "    <description>" + description.replace("&", "&amp;").replace("<", "&lt;") + "</description>\n"
                + "</workflow-metadata>\n";
    }
}
