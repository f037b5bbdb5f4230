package io.tidelog.log.embedded;

import io.tidelog.log.LogStorageException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Opens a partition directory after a clean or unclean shutdown (Kafka's {@code LogLoader}).
 *
 * <ol>
 *   <li>{@code .cleaned} files (cleaner output not yet complete) and {@code .deleted} files are removed.</li>
 *   <li>A {@code .swap} file is complete cleaner output: the swap is finished by deleting the old
 *       segments its offset range covers and renaming it to {@code .log}.</li>
 *   <li>Sealed segments load their index files or rebuild them. They are not re-validated (they were
 *       forced before the next segment was created); damage found while rebuilding is logged, and
 *       any damaged batch is refused on read with {@code CorruptRecordException}, never served.</li>
 *   <li>The last segment is the active one: it is {@link LogSegment#recover() recovered}, cutting a
 *       torn or corrupt tail, and the result reported.</li>
 * </ol>
 */
final class LogLoader {

    record Loaded(TreeMap<Long, LogSegment> segments, LogSegment.Recovery recovery) {
    }

    private LogLoader() {
    }

    static Loaded load(Path dir, int indexIntervalBytes, FileIo io) throws IOException {
        Files.createDirectories(dir);
        List<Path> swaps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(LogFiles.CLEANED_SUFFIX) || name.endsWith(LogFiles.DELETED_SUFFIX)) {
                    Files.delete(f);
                } else if (name.endsWith(LogFiles.SWAP_SUFFIX)) {
                    swaps.add(f);
                }
            }
        }
        swaps.sort(null);
        for (Path swap : swaps) {
            completeSwap(dir, swap, indexIntervalBytes, io);
        }
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path f : stream) {
                String name = f.getFileName().toString();
                if (LogFiles.isSegmentName(name)) {
                    files.put(LogFiles.offsetFromFileName(name), f);
                }
            }
        }
        TreeMap<Long, LogSegment> segments = new TreeMap<>();
        LogSegment.Recovery recovery = new LogSegment.Recovery(0, 0);
        if (files.isEmpty()) {
            segments.put(0L, LogSegment.create(LogFiles.logFile(dir, 0), 0, indexIntervalBytes, io));
            fsyncDirectory(dir);
            return new Loaded(segments, recovery);
        }
        long last = files.lastKey();
        for (var e : files.entrySet()) {
            boolean sealed = e.getKey() != last;
            LogSegment s = LogSegment.open(e.getValue(), e.getKey(), indexIntervalBytes, sealed, io);
            if (!sealed) {
                recovery = s.recover();
            }
            segments.put(e.getKey(), s);
        }
        return new Loaded(segments, recovery);
    }

    /** Finishes an interrupted cleaner swap: the swap file replaces every segment in its offset range. */
    private static void completeSwap(Path dir, Path swap, int indexIntervalBytes, FileIo io) throws IOException {
        long base = LogFiles.offsetFromFileName(swap.getFileName().toString());
        LogSegment s = LogSegment.open(swap, base, indexIntervalBytes, false, io);
        long lastOffset;
        try {
            s.recover();
            lastOffset = s.nextOffset() - 1;
        } finally {
            s.close();
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (LogFiles.isSegmentName(name)) {
                    long b = LogFiles.offsetFromFileName(name);
                    if (b > base && b <= lastOffset) {
                        Files.delete(f);
                        Files.deleteIfExists(LogFiles.indexFile(dir, b));
                        Files.deleteIfExists(LogFiles.timeIndexFile(dir, b));
                    }
                }
            }
        }
        Files.deleteIfExists(LogFiles.indexFile(dir, base));
        Files.deleteIfExists(LogFiles.timeIndexFile(dir, base));
        Files.move(swap, LogFiles.logFile(dir, base), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(dir);
    }

    /** Makes creations, renames and deletions in {@code dir} durable. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static LogStorageException storageError(Object partition, String operation, IOException e) {
        return new LogStorageException(String.valueOf(partition), operation, e);
    }
}
