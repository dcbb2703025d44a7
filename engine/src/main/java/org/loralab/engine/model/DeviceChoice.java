package org.loralab.engine.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Parses the user's device option: {@code auto} (GPU 0 when present), {@code cpu}, {@code gpu}, {@code gpu:N}. */
public final class DeviceChoice {

    private DeviceChoice() {}

    public static Device resolve(String choice) {
        String c = choice == null ? "auto" : choice.trim().toLowerCase(java.util.Locale.ROOT);
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        if (c.isEmpty() || "auto".equals(c)) {
            return gpus > 0 ? Device.gpu(0) : Device.cpu();
        }
        if ("cpu".equals(c)) {
            return Device.cpu();
        }
        if (c.equals("gpu") || c.equals("cuda") || c.startsWith("gpu:") || c.startsWith("cuda:")) {
            int id = c.contains(":") ? parseId(choice, c.substring(c.indexOf(':') + 1)) : 0;
            if (id >= gpus) {
                throw new IllegalArgumentException("device '" + choice + "' asked for, but "
                        + (gpus == 0 ? "no GPU is visible" : "only " + gpus + " GPU(s) are visible"));
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException("unknown device '" + choice + "' (use auto, cpu, gpu or gpu:N)");
    }

    private static int parseId(String choice, String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device '" + choice + "': '" + s + "' is not a GPU number", e);
        }
    }
}
