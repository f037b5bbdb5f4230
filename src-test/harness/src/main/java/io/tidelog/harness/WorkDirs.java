package io.tidelog.harness;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates and deletes per-server work directories, {@code <base>/tidelog-<server>-<random>}, where
 * {@code <base>} is the system property {@value #BASE_DIR_PROPERTY} or else {@code java.io.tmpdir}.
 * Each records its owner ({@link Leftovers}); the first creation in a JVM sweeps what dead JVMs left.
 * Thread-safe.
 */
final class WorkDirs {

    static final String BASE_DIR_PROPERTY = "tidelog.harness.dir";

    /** Leftovers of dead JVMs are swept once per JVM, before its first server. */
    private static final AtomicBoolean SWEPT = new AtomicBoolean();

    private WorkDirs() {
    }

    /** A new empty directory that {@code user} owns and can reach. */
    static Path create(String server, ServerUser user) throws IOException {
        Path base = Path.of(System.getProperty(BASE_DIR_PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        if (SWEPT.compareAndSet(false, true)) {
            Leftovers.sweep(base);
        }
        Path dir = Files.createTempDirectory(base, "tidelog-" + server + "-");
        try {
            Leftovers.recordOwner(dir);
            user.checkCanReach(dir);
            user.own(dir);
            return dir;
        } catch (IOException e) {
            delete(dir);
            throw e;
        }
    }

    /** Deletes {@code dir} recursively without following symbolic links; a missing directory is fine. */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                deleteIfPresent(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                deleteIfPresent(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteIfPresent(Path path) throws IOException {
        Files.deleteIfExists(path);
    }
}
