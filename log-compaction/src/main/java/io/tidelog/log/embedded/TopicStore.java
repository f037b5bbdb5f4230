package io.tidelog.log.embedded;

import io.tidelog.log.CleanupPolicy;
import io.tidelog.log.InvalidTopicException;
import io.tidelog.log.TopicConfig;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Topic names and their persisted configs ({@code topics/<topic>.properties}: written to a temporary
 * file, forced, renamed into place, directory forced).
 * Stateless; thread-safety is the caller's.
 */
final class TopicStore {
    /** Topics whose names start with this are internal (e.g. consumer offsets). */
    static final String INTERNAL_PREFIX = "__";
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int MAX_NAME_LENGTH = 249;

    private TopicStore() {
    }

    /** Kafka's rules: 1..249 of {@code [a-zA-Z0-9._-]}, not "." or "..". */
    static void validateName(String topic, boolean allowInternal) {
        if (topic == null || topic.isEmpty()) {
            throw new InvalidTopicException(String.valueOf(topic), "empty");
        }
        if (topic.length() > MAX_NAME_LENGTH) {
            throw new InvalidTopicException(topic, "longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (topic.equals(".") || topic.equals("..")) {
            throw new InvalidTopicException(topic, "'.' and '..' are not allowed");
        }
        if (!LEGAL.matcher(topic).matches()) {
            throw new InvalidTopicException(topic, "only ASCII letters, digits, '.', '_' and '-' are allowed");
        }
        if (!allowInternal && topic.startsWith(INTERNAL_PREFIX)) {
            throw new InvalidTopicException(topic, "the prefix '" + INTERNAL_PREFIX + "' is reserved for internal topics");
        }
    }

    static Map<String, TopicConfig> loadAll(Path root) throws IOException {
        Map<String, TopicConfig> topics = new HashMap<>();
        Path dir = root.resolve(LogFiles.TOPICS_DIR);
        if (!Files.isDirectory(dir)) {
            return topics;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LogFiles.TOPIC_CONFIG_SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                topics.put(name.substring(0, name.length() - LogFiles.TOPIC_CONFIG_SUFFIX.length()), fromProperties(p));
            }
        }
        return topics;
    }

    static void save(Path root, String topic, TopicConfig c) throws IOException {
        Path file = LogFiles.topicConfigFile(root, topic);
        Files.createDirectories(file.getParent());
        Path tmp = LogFiles.withSuffix(file, ".tmp");
        Properties p = new Properties();
        p.setProperty("num.partitions", String.valueOf(c.partitions()));
        p.setProperty("cleanup.policy", c.cleanupPolicy().name());
        p.setProperty("retention.bytes", String.valueOf(c.retentionBytes()));
        p.setProperty("retention.ms", c.retention() == null ? "-1" : String.valueOf(c.retention().toMillis()));
        p.setProperty("segment.bytes", String.valueOf(c.segmentBytes()));
        p.setProperty("segment.ms", String.valueOf(c.segmentAge().toMillis()));
        p.setProperty("delete.retention.ms", String.valueOf(c.deleteRetention().toMillis()));
        p.setProperty("min.compaction.lag.ms", String.valueOf(c.minCompactionLag().toMillis()));
        p.setProperty("min.cleanable.dirty.ratio", String.valueOf(c.minCleanableDirtyRatio()));
        p.setProperty("max.message.bytes", String.valueOf(c.maxRecordBytes()));
        StringWriter text = new StringWriter();
        p.store(text, "topic " + topic);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            LogSegment.writeFully(ch, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LogLoader.fsyncDirectory(file.getParent());
    }

    private static TopicConfig fromProperties(Properties p) {
        long retentionMs = Long.parseLong(p.getProperty("retention.ms"));
        return new TopicConfig(Integer.parseInt(p.getProperty("num.partitions")),
                CleanupPolicy.valueOf(p.getProperty("cleanup.policy")),
                Long.parseLong(p.getProperty("retention.bytes")),
                retentionMs < 0 ? null : Duration.ofMillis(retentionMs),
                Integer.parseInt(p.getProperty("segment.bytes")),
                Duration.ofMillis(Long.parseLong(p.getProperty("segment.ms"))),
                Duration.ofMillis(Long.parseLong(p.getProperty("delete.retention.ms"))),
                Duration.ofMillis(Long.parseLong(p.getProperty("min.compaction.lag.ms"))),
                Double.parseDouble(p.getProperty("min.cleanable.dirty.ratio")),
                Integer.parseInt(p.getProperty("max.message.bytes")));
    }
}
