package org.loralab.engine.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A HF chat template (Jinja2, from {@code tokenizer_config.json} or {@code chat_template.jinja}) rendered by
 * Jinjava as transformers renders it with jinja2: Jinja2's whitespace rules are applied to the source first
 * ({@link Jinja2Source}), Python string methods are rewritten to filters ({@link PythonStringMethods}), and the
 * environment transformers builds is reproduced: {@code raise_exception}, {@code strftime_now}, its
 * {@code tojson}, the {@code generation} block, and the special tokens as variables.
 */
public final class ChatTemplate {

    /** One chat message: role is system, user or assistant. */
    public record Message(String role, String content) {}

    private final String source;
    private final String origin;
    private final Map<String, Object> specialTokens;
    private final Clock clock;
    private final Jinjava jinjava;
    private final String translated;

    public ChatTemplate(String source, String bosToken, String eosToken) {
        this(source, "chat template", tokens(bosToken, eosToken), Clock.systemDefaultZone());
    }

    /**
     * @param origin names the template in errors (e.g. the file it came from)
     * @param specialTokens template variables transformers passes from the tokenizer's special_tokens_map
     *     (bos_token, eos_token, ...); absent tokens stay undefined, as in transformers
     * @param clock what {@code strftime_now} reads (fixed in tests, as the reference renderings are)
     */
    /** The longest output or string a template may make: 16 times the longest document a tokenizer call takes. */
    public static final long MAX_CHARS = 16L * TextTokenizer.MAX_CHARS_PER_CALL;
    /** The most items a list or dict made by a template may hold. */
    public static final int MAX_ITEMS = 1_000_000;

    public ChatTemplate(String source, String origin, Map<String, Object> specialTokens, Clock clock) {
        this.source = source;
        this.origin = origin;
        this.specialTokens = Map.copyOf(specialTokens);
        this.clock = clock;
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder()
                // Jinja2's trim_blocks / lstrip_blocks are applied by Jinja2Source, so Jinjava keeps text as is.
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withFailOnUnknownTokens(false)
                // A template that doubles a string 60 times ran the JVM out of memory: bounded output, strings and collections.
                .withMaxOutputSize(MAX_CHARS)
                .withMaxStringLength(MAX_CHARS)
                .withMaxListSize(MAX_ITEMS)
                .withMaxMapSize(MAX_ITEMS)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withParseWhitespaceControlStrictly(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .build())
                .build());
        PythonStringMethods.register(jinjava);
        Jinja2Filters.register(jinjava);
        TransformersGlobals.register(jinjava);
        try {
            this.translated = Jinja2Source.toJinjava(source);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        }
        for (String filter : Jinja2Source.filterNames(translated)) {
            if (jinjava.getGlobalContext().getFilter(filter) == null) {
                throw new IllegalArgumentException(origin + ": the chat template uses the filter '" + filter
                        + "', which jinja2 as transformers configures it does not have");
            }
        }
    }

    private static Map<String, Object> tokens(String bosToken, String eosToken) {
        Map<String, Object> m = new HashMap<>();
        if (bosToken != null) {
            m.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            m.put("eos_token", eosToken);
        }
        return m;
    }

    public String source() {
        return source;
    }

    /** Where the template came from, as errors name it. */
    public String origin() {
        return origin;
    }

    public String render(List<Message> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders with extra template variables, as transformers' {@code apply_chat_template(**kwargs)}
     * passes them (e.g. Qwen3's {@code enable_thinking}); like there, they override the special tokens but
     * never the messages.
     */
    public String render(List<Message> messages, boolean addGenerationPrompt, Map<String, Object> templateArgs) {
        Map<String, Object> context = new HashMap<>(specialTokens);
        context.putAll(templateArgs);
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("role", m.role());
            o.put("content", m.content());
            msgs.add(o);
        }
        context.put("messages", msgs);
        context.put("add_generation_prompt", addGenerationPrompt);
        TransformersGlobals.defineGlobals(context);
        PythonStringMethods.takeRaisedMessage();
        RenderResult result = TransformersGlobals.withClock(clock, () -> jinjava.renderForResult(translated, context));
        String raised = PythonStringMethods.takeRaisedMessage();
        if (raised != null) {
            throw new IllegalArgumentException(origin + " refused the messages: " + raised);
        }
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .collect(Collectors.toList());
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException(origin + " failed: " + fatal.stream()
                    .map(e -> "line " + e.getLineno() + ": " + e.getMessage()).collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }
}
