package org.loralab.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A chat template cannot run the JVM out of memory: output, strings and collections are bounded. */
class HostileTemplateTest {

    private static IllegalArgumentException refused(String source) {
        ChatTemplate t = new ChatTemplate(source, "models/x/chat_template.jinja", Map.of(), Clock.systemUTC());
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(IllegalArgumentException.class,
                () -> t.render(List.of(new ChatTemplate.Message("user", "hi")), true)));
    }

    /** 60 doublings (the reported template) stop at the same bound as 24; 24 keep the unguarded mutant at 64 MB. */
    @Test
    void doublingAStringIsRefused() {
        IllegalArgumentException e = refused("{% set ns = namespace(s='ab') %}{% for i in range(24) %}"
                + "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}");
        assertTrue(e.getMessage().contains("chat_template.jinja") && e.getMessage().contains("over limit of " + ChatTemplate.MAX_CHARS),
                e.getMessage());
    }

    @Test
    void doublingAListIsRefused() {
        IllegalArgumentException e = refused("{% set ns = namespace(l=[1]) %}{% for i in range(21) %}"
                + "{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}");
        assertTrue(e.getMessage().contains("maximum size of " + ChatTemplate.MAX_ITEMS), e.getMessage());
    }

    @Test
    void aDocumentAsLongAsATokenizerCallTakesStillRenders() {
        ChatTemplate t = new ChatTemplate("{% for m in messages %}<{{ m.role }}>{{ m.content }}{{ m.content|length }}{% endfor %}",
                "x", Map.of(), Clock.systemUTC());
        String doc = "x".repeat(TextTokenizer.MAX_CHARS_PER_CALL);
        assertEquals("<user>" + doc + doc.length(), t.render(List.of(new ChatTemplate.Message("user", doc)), false));
    }
}
