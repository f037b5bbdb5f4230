package io.tidelog.service.observe;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * When readiness turns {@code OUT_OF_SERVICE} although everything runs: the pipeline is too far
 * behind. Bound from {@code tidelog.health.*}.
 *
 * @param maxWalLag  WAL the replication slot may hold back ({@code pg_current_wal_lsn() - confirmed_flush_lsn})
 * @param maxSinkLag how old a sink's oldest unconsumed log record may be (a paused sink is exempt)
 */
@ConfigurationProperties("tidelog.health")
@Validated
public record HealthThresholds(@DefaultValue("1GB") DataSize maxWalLag, @DefaultValue("5m") Duration maxSinkLag) {

    public HealthThresholds {
        if (maxWalLag.isNegative()) {
            throw new IllegalArgumentException("tidelog.health.max-wal-lag must not be negative, was " + maxWalLag);
        }
        if (maxSinkLag.isNegative()) {
            throw new IllegalArgumentException("tidelog.health.max-sink-lag must not be negative, was " + maxSinkLag);
        }
    }
}
