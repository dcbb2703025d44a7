package org.loralab.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.TinyCheckpoint;

class ByteLevelTokenizerTest {

    @TempDir
    Path dir;

    @Test
    void tinyCheckpointTokenizerIsLosslessOnUtf8() throws Exception {
        new TinyCheckpoint().write(dir);
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            String text = "Rain: 40 mm.\n大阪で雨。 Ünïcödé ✓";
            long[] ids = t.encode(text);
            assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, ids.length);
            assertArrayEquals(new long[] {'R', 'a', 'i', 'n'}, java.util.Arrays.copyOf(ids, 4));
            assertEquals(text, t.decode(ids, false));
            assertEquals(258L, t.tokenId(TinyCheckpoint.IM_END).orElseThrow());
            String chat = t.applyChatTemplate(List.of(new ChatTemplate.Message("user", "  hi  ")), true);
            assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", chat);
            long[] chatIds = t.encode(chat, false);
            assertEquals(257L, chatIds[0]);
        }
    }
}
