package io.tidelog.harness;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks server distributions. Keeps permission bits (so executables stay executable) and, in tar
 * archives, symbolic and hard links; refuses entries and link targets that would land outside the
 * target directory.
 * Stateless.
 */
final class Archives {

    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private Archives() {
    }

    /** Extracts a {@code .tar.xz} stream into {@code target}, which is created if missing. */
    static void extractTarXz(InputStream txz, Path target) throws IOException {
        Path root = Files.createDirectories(target).toRealPath();
        // Directory modes are applied last: a read-only directory could not be filled.
        Map<Path, Integer> directoryModes = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(txz, 1 << 16)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = inside(root, root.resolve(entry.getName()), entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    directoryModes.put(path, entry.getMode());
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Path link = Path.of(entry.getLinkName());
                    if (link.isAbsolute()) {
                        throw new IOException("absolute symbolic link " + entry.getName() + " -> " + link);
                    }
                    inside(root, path.getParent().resolve(link), entry.getName() + " -> " + link);
                    Files.createSymbolicLink(path, link);
                } else if (entry.isLink()) {
                    Files.createLink(path, inside(root, root.resolve(entry.getLinkName()), entry.getName() + " => " + entry.getLinkName()));
                } else if (entry.isFile()) {
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
        for (Map.Entry<Path, Integer> dir : directoryModes.entrySet()) {
            Files.setPosixFilePermissions(dir.getKey(), permissions(dir.getValue()));
        }
    }

    /**
     * Extracts a {@code .zip} file into {@code target}, which is created if missing. Entries without
     * Unix permissions get {@code 0644} (files) or {@code 0755} (directories); symbolic links are refused.
     */
    static void extractZip(Path zip, Path target) throws IOException {
        Path root = Files.createDirectories(target).toRealPath();
        Map<Path, Integer> directoryModes = new LinkedHashMap<>();
        try (ZipFile file = ZipFile.builder().setPath(zip).get()) {
            for (ZipArchiveEntry entry : Collections.list(file.getEntries())) {
                Path path = inside(root, root.resolve(entry.getName()), entry.getName());
                int mode = entry.getUnixMode() & 07777;
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    directoryModes.put(path, mode == 0 ? 0755 : mode);
                } else if (entry.isUnixSymlink()) {
                    throw new IOException("symbolic link in " + zip + ": " + entry.getName());
                } else {
                    Files.createDirectories(path.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.setPosixFilePermissions(path, permissions(mode == 0 ? 0644 : mode));
                }
            }
        }
        for (Map.Entry<Path, Integer> dir : directoryModes.entrySet()) {
            Files.setPosixFilePermissions(dir.getKey(), permissions(dir.getValue()));
        }
    }

    /** The permission bits of a Unix mode such as {@code 0755}. */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BITS[bit]);
            }
        }
        return permissions;
    }

    private static Path inside(Path root, Path path, String name) throws IOException {
        Path normalized = path.normalize();
        if (!normalized.startsWith(root)) {
            throw new IOException("archive entry escapes the target directory: " + name);
        }
        return normalized;
    }
}
