package io.tidelog.service.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * One sink, bound from {@code tidelog.sinks.<name>}. The block named by {@code type} configures the
 * target; the rest is the same for every sink and belongs to its runner.
 *
 * @param type       {@code redis}, {@code opensearch} or {@code duckdb}
 * @param enabled    false keeps the configuration but runs nothing
 * @param tables     the captured tables it receives, as {@code schema.table}; empty means all of them
 * @param fields     which columns it receives, under which names
 * @param batch      when a batch is handed to the target
 * @param retry      how failed writes are retried
 * @param redis      the Redis target, for {@code type: redis}
 * @param opensearch the OpenSearch target, for {@code type: opensearch}
 * @param duckdb     the DuckDB target, for {@code type: duckdb}
 */
public record SinkProperties(
        @NotNull(message = "must be one of redis, opensearch, duckdb") Type type,
        @DefaultValue("true") boolean enabled,
        @DefaultValue List<String> tables,
        @Valid @DefaultValue Fields fields,
        @Valid @DefaultValue Batch batch,
        @Valid @DefaultValue Retry retry,
        @Valid @DefaultValue Redis redis,
        @Valid @DefaultValue OpenSearch opensearch,
        @Valid @DefaultValue DuckDb duckdb) {

    public enum Type { REDIS, OPENSEARCH, DUCKDB }

    /**
     * Column selection, applied in this order. Entries are {@code column}, {@code table.column} or
     * {@code schema.table.column}.
     *
     * @param include when not empty, only these columns
     * @param exclude columns dropped
     * @param rename  column → name in the target
     */
    public record Fields(@DefaultValue List<String> include, @DefaultValue List<String> exclude,
                         @DefaultValue Map<String, String> rename) {
    }

    /**
     * @param maxRecords most records in one write
     * @param maxBytes   most bytes (of log records) in one write
     * @param linger     how long to wait for more records after the first, trading latency for bigger writes
     */
    public record Batch(@DefaultValue("2000") @Min(1) int maxRecords, @DefaultValue("4MB") DataSize maxBytes,
                        @DefaultValue("5ms") Duration linger) {
    }

    /**
     * @param initialBackoff first delay after a retriable failure
     * @param maxBackoff     longest delay
     * @param multiplier     growth of the delay per failed attempt
     * @param jitter         random spread of each delay, as a fraction
     * @param maxAttempts    0 retries for ever (the log buffers meanwhile); n stops the sink (FAILED) after n
     */
    public record Retry(@DefaultValue("100ms") Duration initialBackoff, @DefaultValue("10s") Duration maxBackoff,
                        @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
                        @DefaultValue("0.2") @DecimalMin("0.0") @DecimalMax(value = "1.0", inclusive = false) double jitter,
                        @DefaultValue("0") @Min(0) int maxAttempts) {
    }

    /**
     * @param uri            {@code redis://host:port[/db]}
     * @param password       from the environment ({@code TIDELOG_SINKS_<NAME>_REDIS_PASSWORD}), never the file
     * @param mode           {@code upsert} (the row under its key) or {@code invalidate} (delete the key on any change)
     * @param format         {@code json} (one string) or {@code hash} (a field per column)
     * @param keyTemplate    {@code {schema}}, {@code {table}}, {@code {pk}}
     * @param ttl            expiry of written keys; 0 for none
     * @param commandTimeout how long one batch may take before it is retried
     */
    public record Redis(@DefaultValue("redis://127.0.0.1:6379") String uri, String password,
                        @DefaultValue("upsert") String mode, @DefaultValue("json") String format,
                        @DefaultValue("{table}:{pk}") String keyTemplate, @DefaultValue("0s") Duration ttl,
                        @DefaultValue("5s") Duration commandTimeout) {

        @Override
        public String toString() {
            return "Redis[uri=" + uri + ", password=" + (password == null ? "none" : "******") + ", mode=" + mode + "]";
        }
    }

    /**
     * @param urls           the cluster's HTTP addresses
     * @param username       basic-auth user, if the cluster needs one
     * @param password       from the environment ({@code TIDELOG_SINKS_<NAME>_OPENSEARCH_PASSWORD}), never the file
     * @param indexTemplate  the index of each table; {@code {schema}}, {@code {table}}
     * @param maxBulkActions most actions in one bulk request
     * @param maxBulkBytes   most bytes in one bulk request
     * @param indexSettings  JSON settings for indices Tidelog creates
     * @param indexMappings  JSON mappings for indices Tidelog creates
     * @param requestTimeout how long one request may take before it is retried
     * @param refresh        wait for each bulk to be searchable ({@code refresh=wait_for}); costs throughput
     */
    public record OpenSearch(@DefaultValue("http://127.0.0.1:9200") List<String> urls, String username, String password,
                             @DefaultValue("{schema}.{table}") String indexTemplate,
                             @DefaultValue("1000") @Min(1) int maxBulkActions, @DefaultValue("5MB") DataSize maxBulkBytes,
                             String indexSettings, String indexMappings, @DefaultValue("30s") Duration requestTimeout,
                             @DefaultValue("false") boolean refresh) {

        @Override
        public String toString() {
            return "OpenSearch[urls=" + urls + ", username=" + username + ", password="
                    + (password == null ? "none" : "******") + "]";
        }
    }

    /**
     * @param path          the database file; relative paths are under {@code tidelog.data-dir}
     * @param schema        the DuckDB schema of the tables
     * @param tableTemplate the current-state table of each source table; {@code {schema}}, {@code {table}}
     */
    public record DuckDb(@DefaultValue("warehouse.duckdb") Path path, @DefaultValue("main") String schema,
                         @DefaultValue("{schema}_{table}") String tableTemplate) {
    }
}
