import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Draws LoRA Lab's 16x16 node and category icons. Run from the repository root with
 * {@code java icons/DrawIcons.java}; the PNGs are committed beside this file.
 * The motif throughout: a LoRA update is a tall matrix B times a wide matrix A.
 */
public final class DrawIcons {

    private static final Color PURPLE = new Color(0x7b4fd0);
    private static final Color DARK = new Color(0x3b2a63);
    private static final Color ORANGE = new Color(0xf08a24);
    private static final Color RED = new Color(0xd2383a);
    private static final Color GREEN = new Color(0x2f9e5a);
    private static final Color GREY = new Color(0x8a8a8a);

    interface Painter {
        void paint(Graphics2D g);
    }

    public static void main(String[] args) throws IOException {
        File dir = new File(args.length > 0 ? args[0] : "icons");
        write(dir, "category.png", DrawIcons::category);
        write(dir, "train-lora.png", DrawIcons::train);
        write(dir, "adapter-bank.png", DrawIcons::bank);
        write(dir, "adaptive-merge.png", DrawIcons::merge);
        write(dir, "summarize.png", DrawIcons::summarize);
        write(dir, "rouge-scorer.png", DrawIcons::rouge);
    }

    private static void write(File dir, String name, Painter painter) throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        painter.paint(g);
        g.dispose();
        ImageIO.write(img, "png", new File(dir, name));
    }

    /** B (tall, 3 wide) and A (wide, 3 high) meeting in a corner: the low-rank product. */
    private static void matrices(Graphics2D g, int x, int y, int size, Color color) {
        g.setColor(color);
        g.fillRect(x, y, 3, size);
        g.fillRect(x + 4, y, size - 4, 3);
        g.setColor(DARK);
        g.drawRect(x, y, 2, size - 1);
        g.drawRect(x + 4, y, size - 5, 2);
    }

    private static void category(Graphics2D g) {
        matrices(g, 1, 1, 14, PURPLE);
        g.setColor(new Color(0xe7dcfb));
        g.fillRect(5, 5, 10, 10);
        g.setColor(DARK);
        g.drawRect(5, 5, 9, 9);
    }

    private static void train(Graphics2D g) {
        matrices(g, 1, 1, 11, PURPLE);
        // An upward step: learning.
        g.setColor(ORANGE);
        g.setStroke(new BasicStroke(2f));
        Path2D p = new Path2D.Double();
        p.moveTo(6, 14);
        p.lineTo(10, 10);
        p.lineTo(12, 12);
        p.lineTo(15, 7);
        g.draw(p);
    }

    private static void bank(Graphics2D g) {
        for (int i = 0; i < 3; i++) {
            int y = 2 + i * 4;
            g.setColor(i == 2 ? PURPLE : new Color(0xb9a2ea));
            g.fillRect(1 + i, y, 13 - i, 5);
            g.setColor(DARK);
            g.drawRect(1 + i, y, 12 - i, 4);
        }
    }

    private static void merge(Graphics2D g) {
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.setColor(PURPLE);
        g.drawLine(2, 2, 8, 8);
        g.setColor(new Color(0x4f7bd0));
        g.drawLine(2, 14, 8, 8);
        g.setColor(DARK);
        g.drawLine(8, 8, 14, 8);
        // Pruning: a notch cut out of the merged line.
        g.setColor(ORANGE);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(11, 5, 13, 11);
    }

    private static void summarize(Graphics2D g) {
        g.setColor(Color.WHITE);
        g.fillRect(2, 1, 10, 14);
        g.setColor(DARK);
        g.drawRect(2, 1, 9, 13);
        g.setColor(GREY);
        for (int y = 4; y <= 8; y += 2) {
            g.drawLine(4, y, 9, y);
        }
        g.setColor(PURPLE);
        g.fillRect(4, 11, 4, 2);
        g.setColor(ORANGE);
        g.fillPolygon(new int[] {11, 15, 11}, new int[] {8, 11, 14}, 3);
    }

    private static void rouge(Graphics2D g) {
        int[] heights = {6, 11, 8};
        for (int i = 0; i < 3; i++) {
            g.setColor(i == 1 ? RED : new Color(0xe98b8c));
            g.fillRect(2 + i * 4, 15 - heights[i], 3, heights[i]);
        }
        g.setColor(GREEN);
        g.setStroke(new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawPolyline(new int[] {9, 11, 15}, new int[] {3, 5, 1}, 3);
        g.setColor(DARK);
        g.drawLine(1, 15, 15, 15);
    }
}
