package org.loralab.engine.params;

/** The Adapter Bank Reader node's parameters (the CLI's {@code bank} takes the folders as arguments). */
public record BankParams(
        @Param(key = "bank_folder", label = "Adapter bank folder (path or knime:// URL)", widget = Widget.FOLDER_IN, value = "",
                help = "The folder holding the adapters; may be empty when adapters are connected.")
        String bankFolder,
        @Param(key = "base_model", label = "Check against base model (folder, demo, or empty)", widget = Widget.FOLDER_IN, value = "",
                help = "When set, each adapter is checked against this base model (architecture, sizes, module shapes).")
        String baseModel,
        @Param(key = "only_usable", cli = "--only-usable", label = "List only usable adapters", value = "false",
                help = "Leave out incompatible and invalid adapters.")
        boolean onlyUsable) {

    public static final ParamSchema<BankParams> SCHEMA = ParamSchema.of(BankParams.class);

    public static BankParams defaults() {
        return SCHEMA.defaults();
    }
}
