package org.loralab.engine.bank;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.loralab.engine.lora.PeftNames;

/**
 * The identity of an adapter's content: SHA-256 over the files that decide what it computes (its
 * config, weights and LoRA-TRF filter), so a reference can tell its adapter from another one or a
 * retrained one at the same place. The sidecar loralab.json is left out: it only describes.
 */
public final class AdapterFingerprint {

    private static final String[] CONTENT = {"adapter_config.json", PeftNames.WEIGHTS_FILE, PeftNames.FILTER_FILE};

    private AdapterFingerprint() {
    }

    public static String of(Path adapterDir) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[1 << 16];
        for (String name : CONTENT) {
            Path f = adapterDir.resolve(name);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buffer)) > 0;) {
                    sha.update(buffer, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
