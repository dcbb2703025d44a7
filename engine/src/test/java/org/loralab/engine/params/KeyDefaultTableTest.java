package org.loralab.engine.params;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every node's settings keys, saved types and defaults, written out by hand from the settings the
 * nodes saved before the schema existed. Saved workflows depend on the keys and types; a changed
 * default changes what a new node does. A deliberate change edits this table too.
 */
class KeyDefaultTableTest {

    // node, key, KNIME type, default (the text a user would type)
    private static final String TABLE = """
            train base_model xstring demo
            train document_column xstring document
            train summary_column xstring summary
            train output_folder xstring <empty>
            train overwrite xboolean false
            train keep_in_workflow xboolean false
            train device xstring auto
            train rank xint 8
            train alpha xdouble 16
            train dropout xdouble 0.05
            train target_modules xstring q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj
            train rslora xboolean false
            train lora_trf xboolean false
            train epochs xint 3
            train learning_rate xdouble 2e-4
            train batch_size xint 4
            train gradient_accumulation xint 1
            train lr_schedule xstring linear
            train warmup_ratio xdouble 0
            train weight_decay xdouble 0
            train max_grad_norm xdouble 1
            train max_length xint 512
            train seed xlong 42
            train early_stopping_patience xint 0
            train checkpoint_folder xstring <empty>
            train checkpoint_every_steps xint 0
            train resume xboolean false
            train language xstring <empty>
            train domain xstring <empty>
            train task xstring summarization
            train description xstring <empty>
            train prompt_template xstring <default-template>
            train prompt_language xstring <empty>
            train prompt_chat xboolean false
            bank bank_folder xstring <empty>
            bank base_model xstring <empty>
            bank only_usable xboolean false
            merge base_model xstring demo
            merge path_column xstring path
            merge only_valid xboolean true
            merge method xstring adaptive
            merge weights xstring <empty>
            merge output_folder xstring <empty>
            merge overwrite xboolean false
            merge keep_in_workflow xboolean false
            merge export_merged_model xboolean false
            merge device xstring auto
            merge document_column xstring document
            merge summary_column xstring summary
            merge prune_ratio xdouble 0.5
            merge importance xstring saliency
            merge granularity xstring rank
            merge prune_schedule xstring iterative
            merge epochs xint 20
            merge learning_rate xdouble 3e-3
            merge batch_size xint 4
            merge density xdouble 0.5
            merge svd_rank xint 0
            merge lorahub_budget xint 40
            merge task_description xstring <empty>
            merge top_k xint 2
            merge temperature xdouble 0.05
            merge seed xlong 42
            merge prompt_template xstring <default-template>
            merge prompt_language xstring <empty>
            merge prompt_chat xboolean false
            summarize base_model xstring <empty>
            summarize document_column xstring document
            summarize adapter_column xstring <empty>
            summarize merge_adapter xboolean false
            summarize max_input_tokens xint 1024
            summarize batch_size xint 8
            summarize dtype xstring auto
            summarize device xstring auto
            summarize max_new_tokens xint 0
            summarize beams xint 0
            summarize sample xboolean false
            summarize temperature xdouble 0
            summarize top_k xint 0
            summarize top_p xdouble 0
            summarize repetition_penalty xdouble 0
            summarize seed xlong 42
            summarize prompt_from_adapter xboolean true
            summarize prompt_template xstring <default-template>
            summarize prompt_language xstring <empty>
            summarize prompt_chat xboolean false
            rouge prediction_column xstring summary
            rouge reference_column xstring reference
            rouge more_reference_columns xstring <empty>
            rouge language xstring en
            rouge language_column xstring <empty>
            rouge japanese_tokens xstring morpheme
            rouge use_stemmer xboolean true
            rouge rouge1 xboolean true
            rouge rouge2 xboolean true
            rouge rougeL xboolean true
            rouge rougeLsum xboolean true
            rouge bootstrap_samples xint 1000
            rouge confidence xdouble 0.95
            rouge seed xlong 42
            """;

    private static final Map<String, ParamSchema<?>> NODES = Map.of("train", TrainParams.SCHEMA, "bank", BankParams.SCHEMA,
            "merge", MergeParams.SCHEMA, "summarize", SummarizeParams.SCHEMA, "rouge", RougeParams.SCHEMA);

    @Test
    void everyKeyTypeAndDefaultIsAsListed() {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (String line : TABLE.strip().split("\n")) {
            String[] f = line.strip().split(" ", 4);
            expected.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1] + " " + f[2] + " " + normalised(f[2], f[3]));
        }
        NODES.forEach((node, schema) -> {
            List<String> rows = new ArrayList<>();
            Map<String, Object> defaults = defaultsOf(schema);
            for (ParamSpec p : schema.params()) {
                rows.add(p.key() + " " + p.kind().xmlType + " " + shown(defaults.get(p.key())));
            }
            actual.put(node, rows);
        });
        for (String node : NODES.keySet()) {
            assertEquals(String.join("\n", expected.get(node)), String.join("\n", actual.get(node)), node + ": keys, types, defaults");
        }
    }

    private static <R extends Record> Map<String, Object> defaultsOf(ParamSchema<R> schema) {
        return schema.values(schema.defaults());
    }

    /** The table's default as the saved value would print. */
    private static String normalised(String type, String text) {
        String t = switch (text) {
            case "<empty>" -> "";
            case "<default-template>" -> "Summarize the following document in {language}.\n\nDocument:\n{document}\n\nSummary:";
            default -> text;
        };
        return shown(switch (type) {
            case "xint" -> Integer.parseInt(t);
            case "xlong" -> Long.parseLong(t);
            case "xdouble" -> Double.parseDouble(t);
            case "xboolean" -> Boolean.parseBoolean(t);
            default -> t;
        });
    }

    private static String shown(Object v) {
        return v.getClass().getSimpleName() + ":" + v.toString().replace("\n", "\\n");
    }
}
