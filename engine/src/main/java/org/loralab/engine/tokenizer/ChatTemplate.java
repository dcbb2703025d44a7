package org.loralab.engine.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A HF chat template (Jinja2 in {@code tokenizer_config.json}) rendered by Jinjava. Templates call
 * Python string methods ({@code startswith}, {@code strip}, {@code split}); Jinjava exposes Java's
 * instead, so those calls are rewritten to filters registered here before rendering.
 */
public final class ChatTemplate {

    /** One chat message: role is system, user or assistant. */
    public record Message(String role, String content) {}

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;
    private final String translated;

    public ChatTemplate(String source, String bosToken, String eosToken) {
        this.source = source;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withFailOnUnknownTokens(false)
                // Jinja2 semantics for '{{-' / '-}}' trimming and operator precedence.
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withParseWhitespaceControlStrictly(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .build())
                .build());
        PythonStringMethods.register(jinjava);
        this.translated = PythonStringMethods.translate(source);
    }

    public String source() {
        return source;
    }

    public String render(List<Message> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders with extra template variables, as transformers' {@code apply_chat_template(**kwargs)}
     * passes them (e.g. Qwen3's {@code enable_thinking}); they never replace the messages or tokens.
     */
    public String render(List<Message> messages, boolean addGenerationPrompt, Map<String, Object> templateArgs) {
        Map<String, Object> context = new HashMap<>(templateArgs);
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("role", m.role());
            o.put("content", m.content());
            msgs.add(o);
        }
        context.put("messages", msgs);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken == null ? "" : bosToken);
        context.put("eos_token", eosToken == null ? "" : eosToken);
        PythonStringMethods.takeRaisedMessage();
        RenderResult result = jinjava.renderForResult(translated, context);
        String raised = PythonStringMethods.takeRaisedMessage();
        if (raised != null) {
            throw new IllegalArgumentException("chat template refused the messages: " + raised);
        }
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .collect(Collectors.toList());
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException("chat template failed: " + fatal.stream()
                    .map(e -> "line " + e.getLineno() + ": " + e.getMessage()).collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }
}
