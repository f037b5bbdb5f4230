package io.tidelog.service.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.capture.SlotMonitor;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.unit.DataSize;

class WalLagHealthIndicatorTest {

    private final AtomicReference<SlotMonitor.SlotStatus> slot = new AtomicReference<>();
    private final WalLagHealthIndicator indicator = new WalLagHealthIndicator(slot::get, DataSize.ofGigabytes(1));

    @Test
    void unknownUntilMeasured() {
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void upUpToTheLimitOutOfServiceBeyondNamingSlotAndValue() {
        slot.set(status(true, DataSize.ofGigabytes(1).toBytes()));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

        slot.set(status(true, 1_288_490_189L));
        Health h = indicator.health();
        assertThat(h.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(h.getDetails()).containsEntry("reason", "replication slot tidelog holds back 1.2 GB of WAL (max 1.0 GB)")
                .containsEntry("lagBytes", 1_288_490_189L).containsEntry("slot", "tidelog");
    }

    @Test
    void outOfServiceWhenTheSlotIsGone() {
        slot.set(status(false, 0));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(indicator.health().getDetails()).containsEntry("reason", "replication slot tidelog does not exist");
    }

    private static SlotMonitor.SlotStatus status(boolean exists, long lag) {
        return new SlotMonitor.SlotStatus("tidelog", exists, true, 0, lag, lag, Instant.EPOCH);
    }
}
