package org.loralab.engine.generate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.Jobs;
import org.loralab.engine.model.ModelCache;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.tokenizer.ChatTemplate;
import org.loralab.engine.tokenizer.TextTokenizer;

/**
 * Text in, text out: a model folder's network, tokenizer and generation defaults together. The
 * stop tokens are transformers': generation_config.json's eos_token_id (one id or a list) when the
 * file gives one, else config.json's (from_model_config); where neither names one (transformers
 * would then never stop) the tokenizer's EOS.
 */
public final class TextGenerator implements AutoCloseable {

    private final ModelCache.Lease lease;
    private final CausalLM model;
    private final TextTokenizer tokenizer;
    private final Path modelDir;

    private TextGenerator(ModelCache.Lease lease, TextTokenizer tokenizer, Path modelDir) {
        this.lease = lease;
        this.model = lease.model();
        this.tokenizer = tokenizer;
        this.modelDir = modelDir;
    }

    /** The model from the JVM's {@link ModelCache}: a shared, read-only copy unless caching is off. */
    public static TextGenerator load(Path modelDir, ModelOptions options) throws IOException {
        return load(modelDir, options, ModelCache.shared());
    }

    /** The model leased from {@code cache} ({@link ModelCache#uncached()}: a model of its own). */
    public static TextGenerator load(Path modelDir, ModelOptions options, ModelCache cache) throws IOException {
        TextTokenizer tokenizer = TextTokenizer.load(modelDir);
        try {
            return new TextGenerator(cache.lease(modelDir, options), tokenizer, modelDir);
        } catch (IOException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** The model folder's generation_config.json with the stop tokens transformers would use. */
    public GenerationConfig defaults() throws IOException {
        GenerationConfig cfg = GenerationConfig.fromModelFolder(modelDir);
        cfg.eosTokenIds(stopTokens(cfg.eosTokenIds(), model.config().eosTokenIds(),
                tokenizer.eosToken().flatMap(tokenizer::tokenId).map(List::of).orElse(List.of())));
        if (cfg.padTokenId() == null) {
            tokenizer.padToken().flatMap(tokenizer::tokenId).ifPresent(cfg::padTokenId);
        }
        return cfg;
    }

    /** The first non-empty of generation_config.json's, config.json's and the tokenizer's EOS ids, duplicates dropped. */
    static List<Long> stopTokens(List<Long> generationConfig, List<Long> modelConfig, List<Long> tokenizer) {
        List<Long> chosen = !generationConfig.isEmpty() ? generationConfig : !modelConfig.isEmpty() ? modelConfig : tokenizer;
        return new ArrayList<>(new LinkedHashSet<>(chosen));
    }

    /**
     * Generates a continuation of each prompt. With {@code chat}, each prompt becomes the user turn
     * of the model's chat template (with the assistant prompt appended).
     */
    public List<String> generate(List<String> prompts, GenerationConfig cfg, boolean chat, ProgressListener listener) {
        return generate(prompts, cfg, chat, Map.of(), listener);
    }

    /** As {@link #generate(List, GenerationConfig, boolean, ProgressListener)}, with chat template variables. */
    public List<String> generate(List<String> prompts, GenerationConfig cfg, boolean chat, Map<String, Object> templateArgs,
            ProgressListener listener) {
        return Jobs.run(() -> generateTexts(prompts, cfg, chat, templateArgs, listener));
    }

    private List<String> generateTexts(List<String> prompts, GenerationConfig cfg, boolean chat, Map<String, Object> templateArgs,
            ProgressListener listener) {
        List<long[]> ids = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            String p = prompts.get(i);
            if (p == null || p.isEmpty()) {
                throw new IllegalArgumentException("prompt " + i + " is empty");
            }
            ids.add(chat
                    ? tokenizer.encode(tokenizer.applyChatTemplate(List.of(new ChatTemplate.Message("user", p)), true, templateArgs), false)
                    : tokenizer.encode(p));
        }
        List<long[]> out = new Generator(model).generate(ids, cfg, listener);
        List<String> texts = new ArrayList<>();
        for (long[] o : out) {
            texts.add(tokenizer.decode(o, true));
        }
        return texts;
    }

    public CausalLM model() {
        return model;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        lease.close();
        tokenizer.close();
    }
}
