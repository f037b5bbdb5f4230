package io.tidelog.service.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tidelog's configuration, bound from {@code tidelog.*}.
 *
 * @param source the PostgreSQL database to capture
 * @param dataDir where Tidelog keeps its state (source position; later the log)
 * @param demo the self-contained demo: an embedded PostgreSQL with a write load
 */
@ConfigurationProperties("tidelog")
@Validated
public record TidelogProperties(
        @Valid @DefaultValue Source source,
        @DefaultValue("./tidelog-data") Path dataDir,
        @Valid @DefaultValue Demo demo) {

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
            @DefaultValue("60s") Duration startupTimeout) {

        @Override
        public String toString() {
            return "Source[url=" + url + ", username=" + username + ", password=******, tables=" + tables
                    + ", slotName=" + slotName + ", publicationName=" + publicationName + "]";
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
