package org.loralab.engine.io;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Refuses output names Windows reserves for devices (CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM0-9,
 * LPT0-9, also with an extension, in any case, with trailing dots or spaces; the list of Python's
 * ntpath.isreserved): on Windows writing "COM4" opens a serial port, and a folder written elsewhere
 * under such a name cannot be copied there. Checked on every platform so a workflow or bank stays
 * portable.
 */
public final class PortableNames {

    // Windows ignores everything from the first dot and trailing spaces; the superscript digits count as digits there
    private static final Pattern RESERVED = Pattern.compile("(?i)(CON|PRN|AUX|NUL|CONIN\\$|CONOUT\\$|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3])");

    private PortableNames() {
    }

    /** Whether Windows reserves {@code fileName} for a device. */
    public static boolean isReserved(String fileName) {
        int dot = fileName.indexOf('.');
        String stem = (dot < 0 ? fileName : fileName.substring(0, dot)).stripTrailing();
        return RESERVED.matcher(stem).matches();
    }

    /** Throws naming the output unless every name it would create (the last one and missing folders above) is portable. */
    public static void requireAllowed(Path target) throws FileSystemException {
        Path p = target.toAbsolutePath().normalize();
        boolean last = true;
        while (p != null && p.getFileName() != null && (last || !Files.exists(p, LinkOption.NOFOLLOW_LINKS))) {
            String name = p.getFileName().toString();
            if (isReserved(name)) {
                throw new FileSystemException(target.toString(), null, "'" + name + "' is a device name on Windows "
                        + "(CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM0-9, LPT0-9, with any extension); choose another name");
            }
            p = p.getParent();
            last = false;
        }
    }
}
