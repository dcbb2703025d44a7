package org.loralab.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Node and category icons are 16x16 PNGs with something drawn on them. */
class IconsTest {

    @Test
    void everyIconIs16By16AndNotBlank() throws IOException {
        List<Path> icons;
        try (Stream<Path> s = Files.list(Repo.ROOT.resolve("icons"))) {
            icons = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        assertEquals(6, icons.size(), "an icon per node and one for the category: " + icons);
        for (Path p : icons) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertNotNull(img, p + " is not a readable PNG");
            assertEquals(16, img.getWidth(), p.toString());
            assertEquals(16, img.getHeight(), p.toString());
            int painted = 0;
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    painted += (img.getRGB(x, y) >>> 24) > 0 ? 1 : 0;
                }
            }
            assertTrue(painted > 20 && painted < 256, p + ": " + painted + " painted pixels; an icon needs a transparent background and a shape");
        }
    }
}
