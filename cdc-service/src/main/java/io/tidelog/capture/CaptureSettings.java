package io.tidelog.capture;

import io.tidelog.event.TableId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything capture needs to know, already validated by whoever builds it (the service binds it
 * from {@code tidelog.source.*}).
 *
 * @param address the source database
 * @param username the replication user
 * @param password the user's password; never logged or printed by {@link #toString()}
 * @param tables the captured tables
 * @param slotName logical replication slot to create or reuse
 * @param publicationName publication to create (filtered to {@code tables}) or reuse
 * @param pollInterval how long the engine waits for more changes before handing over a batch
 * @param maxBatchSize the largest batch handed to the {@link ChangeEventHandler}
 * @param offsetStorage where the engine's source position is kept between runs
 * @param startupTimeout how long {@link Capture#start()} waits for the connector to be streaming
 * @param snapshot whether Debezium snapshots the tables first or only streams from the slot
 * @param heartbeatInterval how often the engine commits its position while no captured change
 *     arrives, so that an idle captured database does not pin WAL in the slot; zero disables
 * @param adHocChunkRows rows per primary-key chunk of an ad-hoc incremental snapshot
 */
public record CaptureSettings(
        SourceAddress address,
        String username,
        String password,
        List<TableId> tables,
        String slotName,
        String publicationName,
        Duration pollInterval,
        int maxBatchSize,
        OffsetStorage offsetStorage,
        Duration startupTimeout,
        SnapshotMode snapshot,
        Duration heartbeatInterval,
        int adHocChunkRows) {

    /** Rows per chunk of an ad-hoc incremental snapshot unless configured. */
    public static final int DEFAULT_AD_HOC_CHUNK_ROWS = 2048;

    /** Who reads the tables' existing rows. */
    public enum SnapshotMode {
        /** Debezium's own initial snapshot when it has no stored position (snapshot.mode=initial). */
        DEBEZIUM_INITIAL,
        /**
         * Stream only, from the slot's position (snapshot.mode=no_data): the slot was created by
         * Tidelog's aligned snapshot, which already put the existing rows in the log.
         */
        STREAM_ONLY
    }

    public CaptureSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(username, "username");
        password = password == null ? "" : password;
        tables = List.copyOf(tables);
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("at least one table must be captured");
        }
        Objects.requireNonNull(slotName, "slotName");
        Objects.requireNonNull(publicationName, "publicationName");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(offsetStorage, "offsetStorage");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, was " + maxBatchSize);
        }
        if (adHocChunkRows < 1) {
            throw new IllegalArgumentException("adHocChunkRows must be at least 1, was " + adHocChunkRows);
        }
    }

    /** Settings with ad-hoc snapshots read in chunks of {@value #DEFAULT_AD_HOC_CHUNK_ROWS} rows. */
    public CaptureSettings(SourceAddress address, String username, String password, List<TableId> tables, String slotName,
                           String publicationName, Duration pollInterval, int maxBatchSize, OffsetStorage offsetStorage,
                           Duration startupTimeout, SnapshotMode snapshot, Duration heartbeatInterval) {
        this(address, username, password, tables, slotName, publicationName, pollInterval, maxBatchSize, offsetStorage,
                startupTimeout, snapshot, heartbeatInterval, DEFAULT_AD_HOC_CHUNK_ROWS);
    }

    @Override
    public String toString() {
        return "CaptureSettings[address=" + address + ", username=" + username + ", password=******, tables=" + tables
                + ", slot=" + slotName + ", publication=" + publicationName + ", pollInterval=" + pollInterval
                + ", maxBatchSize=" + maxBatchSize + ", offsets=" + offsetStorage.className() + "]";
    }
}
