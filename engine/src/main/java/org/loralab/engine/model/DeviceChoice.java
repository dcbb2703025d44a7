package org.loralab.engine.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Parses the user's device option: {@code auto} (GPU 0 when present), {@code cpu}, {@code gpu}, {@code gpu:N}. */
public final class DeviceChoice {

    private static final int AUTO = -2;
    private static final int CPU = -1;

    private DeviceChoice() {}

    public static Device resolve(String choice) {
        int parsed = parse(choice);
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        if (parsed == AUTO) {
            return gpus > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (parsed == CPU) {
            return Device.cpu();
        }
        if (parsed >= gpus) {
            throw new IllegalArgumentException("device '" + choice + "' asked for, but "
                    + (gpus == 0 ? "no GPU is visible" : "only " + gpus + " GPU(s) are visible"));
        }
        return Device.gpu(parsed);
    }

    /** Checks the spelling only (no engine is loaded), for settings dialogs and validation. */
    public static void requireValidSyntax(String choice) {
        parse(choice);
    }

    private static int parse(String choice) {
        String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        if (c.isEmpty() || "auto".equals(c)) {
            return AUTO;
        }
        if ("cpu".equals(c)) {
            return CPU;
        }
        if (c.equals("gpu") || c.equals("cuda") || c.startsWith("gpu:") || c.startsWith("cuda:")) {
            return c.contains(":") ? parseId(choice, c.substring(c.indexOf(':') + 1)) : 0;
        }
        throw new IllegalArgumentException("unknown device '" + choice + "' (use auto, cpu, gpu or gpu:N)");
    }

    private static int parseId(String choice, String s) {
        try {
            int id = Integer.parseInt(s);
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device '" + choice + "': '" + s + "' is not a GPU number", e);
        }
    }
}
