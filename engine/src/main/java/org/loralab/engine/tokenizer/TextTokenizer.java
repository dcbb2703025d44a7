package org.loralab.engine.tokenizer;

import org.loralab.engine.io.BoundedFiles;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A HF fast tokenizer ({@code tokenizer.json}, run by DJL's Rust binding) plus what
 * {@code tokenizer_config.json} adds: special tokens and the chat template.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer withSpecial;
    private final HuggingFaceTokenizer plain;
    private final String bosToken;
    private final String eosToken;
    private final String padToken;
    private final ChatTemplate chatTemplate;
    private final boolean cleanUpTokenizationSpaces;

    private TextTokenizer(HuggingFaceTokenizer withSpecial, HuggingFaceTokenizer plain, String bosToken,
            String eosToken, String padToken, ChatTemplate chatTemplate, boolean cleanUpTokenizationSpaces) {
        this.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
        this.withSpecial = withSpecial;
        this.plain = plain;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.padToken = padToken;
        this.chatTemplate = chatTemplate;
    }

    /** Loads {@code tokenizer.json} (required) and {@code tokenizer_config.json} (optional) from a folder. */
    public static TextTokenizer load(Path dir) throws IOException {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new NoSuchFileException(json.toString(), null, "the model folder has no tokenizer.json");
        }
        JsonObject cfg = new JsonObject();
        Path cfgFile = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(cfgFile)) {
            try {
                cfg = JsonParser.parseString(BoundedFiles.readText(cfgFile, BoundedFiles.LARGE_JSON_LIMIT)).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new IOException(cfgFile + ": not valid JSON: " + e.getMessage(), e);
            }
        }
        if (Files.size(json) > BoundedFiles.LARGE_JSON_LIMIT) {
            throw new IOException(json + ": is " + Files.size(json) + " bytes, more than the " + BoundedFiles.LARGE_JSON_LIMIT + " allowed");
        }
        checkBeforeNativeLoad(json);
        HuggingFaceTokenizer withSpecial;
        HuggingFaceTokenizer plain;
        try {
            withSpecial = HuggingFaceTokenizer.newInstance(json, options(true));
            plain = HuggingFaceTokenizer.newInstance(json, options(false));
        } catch (RuntimeException e) {
            throw new IOException(json + ": cannot be read as a HF tokenizer: " + e.getMessage(), e);
        }
        String bos = tokenString(cfg.get("bos_token"));
        String eos = tokenString(cfg.get("eos_token"));
        // chat_template.jinja, a list of named templates, special tokens: as transformers loads them.
        ChatTemplate template = ChatTemplateFiles.load(dir, cfg, Clock.systemDefaultZone()).orElse(null);
        return new TextTokenizer(withSpecial, plain, bos, eos, tokenString(cfg.get("pad_token")), template,
                cleanUpFlag(cfg, cfgFile));
    }

    /** Texts longer than this are refused per tokenizer call: it keeps regex matching far from Oniguruma's step limit. */
    public static final int MAX_CHARS_PER_CALL = 1 << 20;
    /** More added tokens are refused: the native loader adds them in quadratic time (32,768 take 13 s, 80,000 took 155 s). */
    public static final int MAX_ADDED_TOKENS = 32_768;

    /**
     * What the native tokenizer cannot survive or finish, checked before it sees the file: regex
     * patterns that backtrack without bound (a panic in JNI aborts the JVM, see {@link TokenizerPatterns})
     * and more added tokens than it loads in reasonable time. Streams the file, skipping the vocabulary.
     */
    static void checkBeforeNativeLoad(Path json) throws IOException {
        JsonObject rest = new JsonObject();
        int added = 0;
        try (com.google.gson.stream.JsonReader r = new com.google.gson.stream.JsonReader(
                Files.newBufferedReader(json, StandardCharsets.UTF_8))) {
            r.beginObject();
            while (r.hasNext()) {
                String key = r.nextName();
                if (key.equals("model")) {
                    r.skipValue();
                } else if (key.equals("added_tokens") && r.peek() == com.google.gson.stream.JsonToken.BEGIN_ARRAY) {
                    r.beginArray();
                    while (r.hasNext()) {
                        if (++added > MAX_ADDED_TOKENS) {
                            throw new IOException(json + ": 'added_tokens' holds more than " + MAX_ADDED_TOKENS
                                    + " entries, the most LoRA Lab loads (the native loader takes quadratic time in them)");
                        }
                        r.skipValue();
                    }
                    r.endArray();
                } else {
                    rest.add(key, JsonParser.parseReader(r));
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(json + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            TokenizerPatterns.check(rest);
        } catch (IllegalArgumentException e) {
            throw new IOException(json + ": " + e.getMessage(), e);
        }
    }

    private static String bounded(String text) {
        if (text.length() > MAX_CHARS_PER_CALL) {
            throw new IllegalArgumentException("a text of " + text.length() + " characters is more than the "
                    + MAX_CHARS_PER_CALL + " one tokenizer call takes (the bound keeps the native regex matching safe)");
        }
        return text;
    }

    private static Map<String, String> options(boolean addSpecialTokens) {
        // Our code pads, truncates and batches; the tokenizer only maps text to ids.
        return Map.of("addSpecialTokens", Boolean.toString(addSpecialTokens),
                "truncation", "false", "padding", "false", "modelMaxLength", Integer.toString(Integer.MAX_VALUE));
    }

    private static String tokenString(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        return e.isJsonObject() ? e.getAsJsonObject().get("content").getAsString() : e.getAsString();
    }

    /** Token ids of {@code text}, with the special tokens the tokenizer's post-processor adds (e.g. BOS). */
    public long[] encode(String text) {
        return encode(text, true);
    }

    public long[] encode(String text, boolean addSpecialTokens) {
        Encoding enc = (addSpecialTokens ? withSpecial : plain).encode(bounded(text));
        return enc.getIds();
    }

    /**
     * For k = 0..n, where the text of the first k of {@code text}'s n tokens (no special tokens
     * added) ends, as an index into {@code text} that never splits a character: a byte-level token
     * holding only some of a character's bytes leaves that character out, so a cut there cannot
     * produce U+FFFD as decoding the token prefix would. Non-decreasing in k.
     */
    public int[] tokenPrefixEnds(String text) {
        CharSpan[] spans = plain.encode(bounded(text)).getCharTokenSpans();
        // The tokenizer's offsets count code points (Rust chars); Java indexes UTF-16 units.
        int codePoints = text.codePointCount(0, text.length());
        int[] utf16 = new int[codePoints + 1];
        for (int i = 0, cp = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            utf16[cp++] = i;
        }
        utf16[codePoints] = text.length();
        int[] ends = new int[spans.length + 1];
        for (int k = 1; k <= spans.length; k++) {
            int end = spans[k - 1].getEnd();
            if (k < spans.length) {
                end = Math.min(end, spans[k].getStart()); // the next token shares this character: not whole yet
            }
            ends[k] = Math.max(ends[k - 1], utf16[Math.max(0, Math.min(end, codePoints))]);
        }
        return ends;
    }

    /** The text of {@code ids}; with transformers' clean-up of tokenization spaces where tokenizer_config.json asks for it. */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        String text = plain.decode(ids, skipSpecialTokens);
        return cleanUpTokenizationSpaces ? cleanUpTokenization(text) : text;
    }

    /**
     * {@code clean_up_tokenization_spaces} of tokenizer_config.json; absent means false, transformers'
     * default since 4.45 (older versions defaulted to true, which is why older files say so explicitly).
     */
    private static boolean cleanUpFlag(JsonObject cfg, Path cfgFile) throws IOException {
        JsonElement e = cfg.get("clean_up_tokenization_spaces");
        if (e == null || e.isJsonNull()) {
            return false;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new IOException(cfgFile + ": 'clean_up_tokenization_spaces' must be true or false, found " + e);
        }
        return e.getAsBoolean();
    }

    /** transformers' PreTrainedTokenizerBase.clean_up_tokenization: these replacements, in this order. */
    static String cleanUpTokenization(String text) {
        return text.replace(" .", ".")
                .replace(" ?", "?")
                .replace(" !", "!")
                .replace(" ,", ",")
                .replace(" ' ", "'")
                .replace(" n't", "n't")
                .replace(" 'm", "'m")
                .replace(" 's", "'s")
                .replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    /** The id of a token string such as {@code <|im_end|>}, if the vocabulary has it as one token. */
    public Optional<Long> tokenId(String token) {
        if (token == null) {
            return Optional.empty();
        }
        long[] ids = encode(token, false);
        return ids.length == 1 ? Optional.of(ids[0]) : Optional.empty();
    }

    public Optional<String> eosToken() {
        return Optional.ofNullable(eosToken);
    }

    public Optional<String> bosToken() {
        return Optional.ofNullable(bosToken);
    }

    public Optional<String> padToken() {
        return Optional.ofNullable(padToken);
    }

    public Optional<ChatTemplate> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    /** Renders {@code messages} with the model's chat template. */
    public String applyChatTemplate(List<ChatTemplate.Message> messages, boolean addGenerationPrompt) {
        return applyChatTemplate(messages, addGenerationPrompt, Map.of());
    }

    /** Renders {@code messages} with the model's chat template and extra template variables. */
    public String applyChatTemplate(List<ChatTemplate.Message> messages, boolean addGenerationPrompt,
            Map<String, Object> templateArgs) {
        if (chatTemplate == null) {
            throw new IllegalStateException("this tokenizer has no chat template (no chat_template in tokenizer_config.json, no chat_template.jinja)");
        }
        return chatTemplate.render(messages, addGenerationPrompt, templateArgs);
    }

    @Override
    public void close() {
        withSpecial.close();
        plain.close();
    }
}
