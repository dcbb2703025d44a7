package org.loralab.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {

    @Test
    void rewritesChainedPythonMethodCalls() {
        assertEquals(" ((content|py_split('</think>'))[0]|py_rstrip('\\n')) ",
                PythonStringMethods.translateExpression(" content.split('</think>')[0].rstrip('\\n') "));
        assertEquals(" (m.content|py_startswith('a.b(')) ", PythonStringMethods.translateExpression(" m.content.startswith('a.b(') "));
        assertEquals(" x|reverse ", PythonStringMethods.translateExpression(" x[::-1] "));
    }

    @Test
    void rendersALlama3StyleTemplate() {
        String llama3 = "{{- bos_token }}{%- for message in messages %}"
                + "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}"
                + "{%- endfor %}{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}";
        ChatTemplate t = new ChatTemplate(llama3, "<|begin_of_text|>", "<|eot_id|>");
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                t.render(List.of(new ChatTemplate.Message("user", " Hi there ")), true));
    }

    @Test
    void raiseExceptionReportsTheTemplatesMessage() {
        ChatTemplate t = new ChatTemplate("{% if messages[0].role != 'user' %}{{ raise_exception('Conversation must start with user') }}{% endif %}ok",
                null, null);
        assertEquals("ok", t.render(List.of(new ChatTemplate.Message("user", "x")), false));
        Exception e = assertThrows(RuntimeException.class,
                () -> t.render(List.of(new ChatTemplate.Message("assistant", "x")), false));
        assertTrue(e.getMessage().contains("Conversation must start with user"), e.getMessage());
    }

    @Test
    void brokenTemplatesAreRefusedNamingTheTemplate() {
        Exception unknownFilter = assertThrows(IllegalArgumentException.class,
                () -> new ChatTemplate("{{ messages | frobnicate }}", "models/x/chat_template.jinja", java.util.Map.of(), java.time.Clock.systemUTC()));
        assertTrue(unknownFilter.getMessage().contains("models/x/chat_template.jinja") && unknownFilter.getMessage().contains("frobnicate"),
                unknownFilter.getMessage());
        Exception unclosed = assertThrows(IllegalArgumentException.class,
                () -> new ChatTemplate("{% if x %}a{{ x ", "models/y/tokenizer_config.json", java.util.Map.of(), java.time.Clock.systemUTC()));
        assertTrue(unclosed.getMessage().contains("models/y/tokenizer_config.json"), unclosed.getMessage());
        ChatTemplate unknownTag = new ChatTemplate("{% frobnicate %}", "models/z/chat_template.jinja", java.util.Map.of(), java.time.Clock.systemUTC());
        Exception e = assertThrows(IllegalArgumentException.class, () -> unknownTag.render(List.of(), false));
        assertTrue(e.getMessage().contains("models/z/chat_template.jinja"), e.getMessage());
    }
}
