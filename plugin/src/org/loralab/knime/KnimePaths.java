package org.loralab.knime;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.util.FileUtil;
import org.loralab.engine.jobs.TrainLora;

/**
 * Folder settings as users write them: a local path or a KNIME URL such as
 * {@code knime://knime.workflow/../bank}; the base model may also be {@code demo}.
 */
public final class KnimePaths {

    private KnimePaths() {
    }

    /** A local folder for a path or KNIME URL setting; {@code what} names the setting in errors. */
    public static Path local(final String setting, final String what) throws InvalidSettingsException {
        if (setting == null || setting.isBlank()) {
            throw new InvalidSettingsException("Set the " + what + ".");
        }
        try {
            URL url = FileUtil.toURL(setting.trim());
            if (isKnimeUrl(setting) && !"knime".equalsIgnoreCase(url.getProtocol())) {
                // FileUtil falls back to a file path when the protocol is not registered: never a folder named "knime:"
                throw new InvalidSettingsException("The " + what + " '" + setting + "' is a knime:// URL, but this KNIME "
                    + "cannot resolve knime:// URLs here (no workflow context or URL handler); use a local path.");
            }
            Path p = FileUtil.resolveToPath(url);
            if (p == null) {
                throw new InvalidSettingsException("The " + what + " '" + setting + "' is not on a local file system.");
            }
            return p;
        } catch (IOException | java.net.URISyntaxException | java.nio.file.InvalidPathException e) {
            throw new InvalidSettingsException("The " + what + " '" + setting + "' cannot be resolved: " + e.getMessage(), e);
        }
    }

    private static boolean isKnimeUrl(final String setting) {
        return setting.trim().regionMatches(true, 0, "knime:", 0, "knime:".length());
    }

    /** Where a node writes its adapter; configure and execute both resolve it here, so their specs agree. */
    public static Path adapterOutput(final String setting) throws InvalidSettingsException {
        return local(setting, "output adapter folder");
    }

    /** The base model folder: {@code demo}, a path or a KNIME URL, checked to be a model folder. */
    public static Path baseModel(final String setting) throws Exception {
        if (TrainLora.Engine.isDemo(setting)) {
            return TrainLora.Engine.demoModel(Path.of(System.getProperty("java.io.tmpdir")));
        }
        Path dir = local(setting, "base model folder");
        TrainLora.Engine.requireModelFolder(dir);
        return dir;
    }
}
