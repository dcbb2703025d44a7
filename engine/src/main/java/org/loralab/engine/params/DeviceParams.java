package org.loralab.engine.params;

import org.loralab.engine.model.DeviceChoice;
import org.loralab.engine.model.ModelOptions;

/** Where a node computes. */
public record DeviceParams(
        @Param(key = "device", cli = "--device", label = "Device (auto, cpu, gpu:N)",
                help = "<tt>auto</tt> uses the first GPU when one is visible, else the CPU; <tt>gpu:N</tt> picks a GPU.",
                value = "auto", choices = {"auto", "cpu", "gpu", "gpu:0", "gpu:1"}, widget = Widget.EDITABLE_CHOICE)
        String device) {

    public DeviceParams {
        DeviceChoice.requireValidSyntax(device);
    }

    /** How to load the model here, in this compute dtype. */
    public ModelOptions options(String dtype) {
        return new ModelOptions(device, dtype);
    }
}
