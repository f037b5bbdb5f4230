package io.tidelog.capture;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the engine keeps its source position between runs.
 *
 * @param className the Kafka Connect offset store class
 * @param properties its engine properties
 */
public record OffsetStorage(String className, Map<String, String> properties) {

    public OffsetStorage {
        properties = Map.copyOf(properties);
    }

    /** In memory only: a restart starts over. For tests and the demo. */
    public static OffsetStorage memory() {
        return new OffsetStorage("org.apache.kafka.connect.storage.MemoryOffsetBackingStore", Map.of());
    }

    /** A file, Kafka Connect's format. */
    public static OffsetStorage file(Path file) {
        return new OffsetStorage("org.apache.kafka.connect.storage.FileOffsetBackingStore",
                Map.of("offset.storage.file.filename", file.toString()));
    }

    /** The change log's internal topic, through {@link LogOffsetBackingStore}. */
    public static OffsetStorage log(String registeredLogId) {
        return new OffsetStorage(LogOffsetBackingStore.class.getName(),
                Map.of(LogOffsetBackingStore.LOG_ID, registeredLogId));
    }
}
