package io.tidelog.service.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Tidelog's state directory: {@code tidelog.data-dir}, or for the demo a temporary directory that
 * is deleted when the application stops.
 */
public final class DataDirectory implements AutoCloseable {

    private final Path path;
    private final boolean temporary;

    private DataDirectory(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    static DataDirectory at(Path path) {
        try {
            return new DataDirectory(Files.createDirectories(path.toAbsolutePath()), false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create tidelog.data-dir " + path.toAbsolutePath(), e);
        }
    }

    static DataDirectory temporary() {
        try {
            return new DataDirectory(Files.createTempDirectory("tidelog-data-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary data directory", e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (!temporary || !Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
