package io.tidelog.service.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tidelog's configuration, bound from {@code tidelog.*}.
 *
 * @param source the PostgreSQL database to capture
 * @param dataDir where Tidelog keeps its state: the embedded log, and in it the source position
 * @param log the change log
 * @param snapshot the aligned initial snapshot
 * @param demo the self-contained demo: an embedded PostgreSQL with a write load
 * @param sinks the sinks, by name: each a consumer group of the log with its own target
 * @param admin the admin API under {@code /admin} and the status page
 * @param lease which of several instances captures: only the holder of the source's capture lease
 */
@ConfigurationProperties("tidelog")
@Validated
public record TidelogProperties(
        @Valid @DefaultValue Source source,
        @DefaultValue("./tidelog-data") Path dataDir,
        @Valid @DefaultValue Log log,
        @Valid @DefaultValue Snapshot snapshot,
        @Valid @DefaultValue Demo demo,
        @DefaultValue Map<String, @Valid SinkProperties> sinks,
        @Valid @DefaultValue Admin admin,
        @Valid @DefaultValue Lease lease) {

    /**
     * The change log: one topic per table, {@code <topic-prefix>.<schema>.<table>}, compacted.
     *
     * @param topicPrefix first part of every table topic's name
     * @param partitions partitions of each table topic; a row's changes always go to the same one
     * @param fsyncInterval 0 to fsync every appended batch before acknowledging it (group commit), or
     *     how often to fsync, acknowledging appends at the next fsync
     */
    public record Log(
            @DefaultValue("tidelog") @Pattern(regexp = "[a-zA-Z0-9._-]+",
                    message = "must be letters, digits, '.', '_' or '-'") String topicPrefix,
            @DefaultValue("4") @Min(1) @Max(10_000) int partitions,
            @DefaultValue("0ms") Duration fsyncInterval,
            @DefaultValue("embedded") Backend backend,
            @Valid @DefaultValue Kafka kafka) {
    }

    /** Where the change log lives. */
    public enum Backend {
        /** Tidelog's own log under {@code <data-dir>/log}: no broker to run; one instance. */
        EMBEDDED,
        /** Apache Kafka compacted topics ({@code tidelog.log.kafka.*}): several instances share the sinks. */
        KAFKA
    }

    /**
     * The Kafka backend ({@code tidelog.log.backend: kafka}).
     *
     * @param bootstrapServers the brokers, {@code host:port,...}; required with the Kafka backend
     * @param replicationFactor replicas of each topic Tidelog creates (3 in production; 1 on a one-broker cluster)
     * @param createTopics create missing topics (compacted, {@code tidelog.log.partitions} partitions); when
     *     false a missing topic fails startup
     * @param requestTimeout how long a call to the brokers may take; also how long startup waits for them
     * @param properties more client properties for producer, consumers and admin client alike (security,
     *     e.g. {@code security.protocol}, {@code sasl.jaas.config} from the environment); never logged
     */
    public record Kafka(
            String bootstrapServers,
            @DefaultValue("1") @Min(1) @Max(32) short replicationFactor,
            @DefaultValue("true") boolean createTopics,
            @DefaultValue("30s") Duration requestTimeout,
            @DefaultValue Map<String, String> properties) {

        @Override
        public String toString() {
            return "Kafka[bootstrapServers=" + bootstrapServers + ", replicationFactor=" + replicationFactor
                    + ", createTopics=" + createTopics + ", properties=" + properties.keySet() + "]";
        }
    }

    /**
     * The capture lease: a PostgreSQL advisory lock on the source, keyed by the slot, held by the one
     * instance that captures; the others stand by and try again.
     *
     * @param enabled whether instances take the lease before capturing (one instance alone takes it at once)
     * @param retryInterval how often a standby instance tries to take the lease, and how often the active one
     *     checks it still holds it
     */
    public record Lease(@DefaultValue("true") boolean enabled, @DefaultValue("2s") Duration retryInterval) {
    }

    /**
     * The aligned initial snapshot, taken when a table has no completed snapshot in the log.
     *
     * @param parallelism connections reading tables concurrently, each in the same exported snapshot
     * @param rowsPerChunk rows per TID-range chunk
     * @param adHocChunkRows rows per primary-key chunk of an ad-hoc incremental snapshot ({@code POST /admin/snapshots}):
     *     one SELECT between two watermarks; a cancel takes effect after the chunk being read
     */
    public record Snapshot(@DefaultValue("2") @Min(1) @Max(64) int parallelism,
                           @DefaultValue("100000") @Min(1000) long rowsPerChunk,
                           @DefaultValue("2048") @Min(1) @Max(1_000_000) int adHocChunkRows) {
    }

    /**
     * The source database.
     *
     * @param url JDBC URL, {@code jdbc:postgresql://host:port/database}; required unless the demo is enabled
     * @param username user with the REPLICATION attribute
     * @param password the user's password; give it through the environment ({@code TIDELOG_SOURCE_PASSWORD}), never in the file
     * @param tables tables to capture, as {@code schema.table}
     * @param slotName logical replication slot, created if missing
     * @param publicationName publication, created for {@code tables} if missing
     * @param pollInterval how long the engine waits for more changes before handing a batch on; sets latency at low rates
     * @param maxBatchSize most changes handed on at once
     * @param startupTimeout how long startup waits for the connector to run
     * @param heartbeatInterval how often the stored position advances while the captured tables are quiet, so the slot does not pin WAL; 0 disables
     * @param slotLagWarning slot lag (WAL the slot holds back) above which Tidelog warns and reports it in health
     */
    public record Source(
            String url,
            @DefaultValue("postgres") @NotBlank String username,
            String password,
            @DefaultValue List<@NotBlank String> tables,
            @DefaultValue("tidelog") @Pattern(regexp = "[a-z0-9_]{1,63}",
                    message = "must be 1-63 characters of a-z, 0-9 and _ (a PostgreSQL slot name)") String slotName,
            @DefaultValue("tidelog") @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]{0,62}",
                    message = "must be a plain PostgreSQL identifier of at most 63 characters") String publicationName,
            @DefaultValue("10ms") Duration pollInterval,
            @DefaultValue("2048") @Min(1) int maxBatchSize,
            @DefaultValue("60s") Duration startupTimeout,
            @DefaultValue("10s") Duration heartbeatInterval,
            @DefaultValue("1GB") DataSize slotLagWarning) {

        @Override
        public String toString() {
            return "Source[url=" + url + ", username=" + username + ", password=******, tables=" + tables
                    + ", slotName=" + slotName + ", publicationName=" + publicationName + "]";
        }
    }

    /**
     * The admin API ({@code /admin/**}) and what it needs.
     *
     * @param enabled whether the admin API is served
     * @param token the bearer token every admin request must carry; from the environment
     *     ({@code TIDELOG_ADMIN_TOKEN}), never the file. Without one, the service refuses to start with the
     *     admin API enabled on a non-loopback address
     * @param shutdownTimeout how long a SIGTERM waits for sinks to finish and commit their batch in flight
     */
    public record Admin(@DefaultValue("true") boolean enabled, String token,
                        @DefaultValue("20s") Duration shutdownTimeout) {

        @Override
        public String toString() {
            return "Admin[enabled=" + enabled + ", token=" + (token == null || token.isEmpty() ? "none" : "******") + "]";
        }
    }

    /**
     * The demo: when enabled, Tidelog starts its own PostgreSQL with a small shop schema
     * ({@code public.customers}, {@code public.orders}) and writes to it continuously.
     *
     * @param enabled whether to run the demo instead of connecting to {@code source.url}
     * @param transactionsPerSecond write load of the demo, in transactions per second
     */
    public record Demo(@DefaultValue("false") boolean enabled, @DefaultValue("5") @Min(0) int transactionsPerSecond) {
    }
}
