package org.loralab.engine.model;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What identifies the content of a model folder for the {@link ModelCache}, without reading
 * gigabytes of weights: the folder's real path, config.json's text, and for every weight file
 * (*.safetensors, the shard index) its name, size, modification time (to the nanosecond where the
 * file system keeps it) and file key (inode). Replacing a file (the atomic writes of this engine,
 * a copy, a download) changes its inode or time; writing it in place changes its time.
 */
public final class ModelFolderFingerprint {

    private ModelFolderFingerprint() {
    }

    /** A hex SHA-256 over the folder's identity; a changed weight or config file gives another value. */
    public static String of(Path dir) throws IOException {
        Path real = dir.toRealPath();
        StringBuilder s = new StringBuilder(real.toString()).append('\n');
        Path config = real.resolve("config.json");
        s.append("config.json:").append(ModelFingerprint.sha256(Files.readString(config))).append('\n');
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(real)) {
            for (Path f : ds) {
                String name = f.getFileName().toString();
                if (name.endsWith(".safetensors") || name.equals("model.safetensors.index.json")) {
                    files.add(f);
                }
            }
        }
        Collections.sort(files);
        for (Path f : files) {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            s.append(f.getFileName()).append(':').append(a.size()).append(':')
                    .append(a.lastModifiedTime().to(TimeUnit.NANOSECONDS)).append(':').append(a.fileKey()).append('\n');
        }
        return ModelFingerprint.sha256(s.toString());
    }
}
