package io.tidelog.harness;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Reads the end of a server's log file for exception messages. Stateless. */
final class LogTail {

    static final int DEFAULT_LINES = 40;

    /** Reading at most this many bytes from the end bounds the cost on a huge log. */
    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    /** The last {@code maxLines} lines of {@code log}; empty if it does not exist or cannot be read. */
    static String of(Path log, int maxLines) {
        if (log == null || !Files.isRegularFile(log)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }
}
