package org.loralab.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.loralab.engine.model.BaseModelLocation;
import picocli.CommandLine;

/**
 * {@code -m/--model}: a Hugging Face model folder, checked when the command line is read (a missing folder is named
 * as missing, not as one without tokenizer.json), or {@code demo} for the small model shipped in the jar, extracted
 * into the same cache folder the KNIME nodes use.
 */
final class ModelFolder implements CommandLine.ITypeConverter<Path> {

    static final String HELP = "base model: a Hugging Face model folder (config.json, *.safetensors, tokenizer.json), "
            + "or 'demo' for the small model shipped in the jar";

    @Override
    public Path convert(String value) {
        try {
            return BaseModelLocation.resolve(value, Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
