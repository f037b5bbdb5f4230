package io.tidelog.service.observe;

import io.tidelog.capture.SlotMonitor;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.unit.DataSize;

/**
 * The replication slot against {@code tidelog.health.max-wal-lag}, from the {@link SlotMonitor}'s
 * latest measurement: UP under the limit, OUT_OF_SERVICE over it or when the slot is gone (each with
 * a {@code reason} naming the slot and the measured value), UNKNOWN before the first measurement.
 * Whether capture runs at all is the {@code capture} contributor's business.
 */
final class WalLagHealthIndicator implements HealthIndicator {

    private final Supplier<SlotMonitor.SlotStatus> slot;
    private final DataSize max;

    WalLagHealthIndicator(Supplier<SlotMonitor.SlotStatus> slot, DataSize max) {
        this.slot = slot;
        this.max = max;
    }

    @Override
    public Health health() {
        SlotMonitor.SlotStatus s = slot.get();
        if (s == null) {
            return Health.unknown().withDetail("reason", "the replication slot has not been measured yet").build();
        }
        Health.Builder b;
        if (!s.exists()) {
            b = Health.outOfService().withDetail("reason", "replication slot " + s.slot() + " does not exist");
        } else if (s.lagBytes() > max.toBytes()) {
            b = Health.outOfService().withDetail("reason", "replication slot " + s.slot() + " holds back "
                    + Amounts.bytes(s.lagBytes()) + " of WAL (max " + Amounts.bytes(max.toBytes()) + ")");
        } else {
            b = Health.up();
        }
        return b.withDetail("slot", s.slot())
                .withDetail("lagBytes", s.lagBytes())
                .withDetail("maxLagBytes", max.toBytes())
                .withDetail("active", s.active())
                .withDetail("measuredAt", String.valueOf(s.measuredAt()))
                .build();
    }
}
