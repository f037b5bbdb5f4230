package io.tidelog.snapshot;

import io.tidelog.event.TableId;
import java.util.List;
import java.util.Objects;

/**
 * How to take an aligned snapshot.
 *
 * @param jdbcUrl the source database, {@code jdbc:postgresql://host:port/db}
 * @param username a user with REPLICATION that can read the tables
 * @param password its password; never printed
 * @param tables the tables to read
 * @param slotName the logical replication slot to create; streaming continues from it
 * @param publicationName the pgoutput publication, created or extended to the tables before the slot
 * @param parallelism connections reading chunks concurrently
 * @param rowsPerChunk target rows per chunk
 * @param batchSize rows per call of the {@link SnapshotConsumer}
 */
public record SnapshotSettings(String jdbcUrl, String username, String password, List<TableId> tables,
                               String slotName, String publicationName, int parallelism, long rowsPerChunk,
                               int batchSize) {

    public SnapshotSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        tables = List.copyOf(tables);
        if (parallelism < 1 || rowsPerChunk < 1 || batchSize < 1) {
            throw new IllegalArgumentException("parallelism, rowsPerChunk and batchSize must be positive");
        }
    }

    @Override
    public String toString() {
        return "SnapshotSettings[" + jdbcUrl + ", user=" + username + ", tables=" + tables + ", slot=" + slotName
                + ", parallelism=" + parallelism + "]";
    }
}
