package org.loralab.engine.params;

/** Where a node writes its adapter (the CLI names the folder with --out). */
public record OutputParams(
        @Param(key = "output_folder", label = "Output adapter folder (path or knime:// URL)",
                help = "Where to write the adapter folder. To grow an adapter bank, name a folder inside the bank folder.",
                value = "", widget = Widget.FOLDER_OUT)
        String folder,
        @Param(key = "overwrite", cli = "--overwrite", label = "Replace an existing adapter folder",
                help = "Without it, an existing folder is an error and nothing is overwritten.", value = "false")
        boolean overwrite,
        @Param(key = "keep_in_workflow", label = "Keep the adapter inside the workflow",
                help = "Write the adapter into the workflow itself (a KNIME file store) instead of the output folder, which is then "
                        + "ignored. It is saved with the executed workflow, travels with an export that includes data, and is deleted "
                        + "when the node is reset. Without it, the adapter stays in the output folder and the connection carries a "
                        + "reference: a downstream node resolves the folder setting again and checks that the folder still holds the "
                        + "same adapter (content fingerprint).",
                value = "false")
        boolean keepInWorkflow) {
}
