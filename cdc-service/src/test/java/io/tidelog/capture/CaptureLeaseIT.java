package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The capture lease on a real PostgreSQL: one holder per slot, visible to the others, released with its session. */
@ExtendWith(PostgresExtension.class)
class CaptureLeaseIT {

    private static final String DB = "capture_lease_it";

    @Test
    void oneInstanceHoldsTheLeaseTheOthersSeeItAndTakeItWhenItsSessionEnds(PostgresServer server) throws Exception {
        server.createDatabase(DB);
        try (CaptureLease a = new CaptureLease(settings(server, "slot_a"), "host-a/1");
             CaptureLease b = new CaptureLease(settings(server, "slot_a"), "host-b/2");
             CaptureLease otherSlot = new CaptureLease(settings(server, "slot_b"), "host-c/3")) {
            assertThat(b.holder()).as("nobody holds it yet").isEmpty();
            assertThat(a.tryAcquire()).isTrue();
            assertThat(a.tryAcquire()).as("taking it again while holding it").isTrue();
            assertThat(b.tryAcquire()).as("held by a").isFalse();
            assertThat(otherSlot.tryAcquire()).as("another slot's lease is another lease").isTrue();
            assertThat(a.stillHeld()).isTrue();
            assertThat(b.stillHeld()).isFalse();
            CaptureLease.Holder holder = b.holder().orElseThrow();
            assertThat(holder.instance()).isEqualTo("host-a/1");

            try (Connection c = server.connect(DB);
                 PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
                ps.setInt(1, holder.backendPid());
                ps.execute();
            }
            await("a notices its session is gone").atMost(Duration.ofSeconds(30)).until(() -> !a.stillHeld());
            await("b takes the lease").atMost(Duration.ofSeconds(30)).until(b::tryAcquire);
            assertThat(a.holder().orElseThrow().instance()).isEqualTo("host-b/2");
            assertThat(a.tryAcquire()).as("a comes back as a standby").isFalse();

            b.release();
            await("a takes it after b released it").atMost(Duration.ofSeconds(30)).until(a::tryAcquire);
        }
    }

    @Test
    void anUnreachableSourceIsATypedError(PostgresServer server) throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CaptureSettings s = settings(server, "slot_x");
        CaptureSettings nowhere = new CaptureSettings(new SourceAddress("127.0.0.1", port, DB), s.username(), s.password(),
                s.tables(), s.slotName(), s.publicationName(), s.pollInterval(), s.maxBatchSize(), s.offsetStorage(),
                s.startupTimeout(), s.snapshot(), s.heartbeatInterval());
        try (CaptureLease lease = new CaptureLease(nowhere, "host-x/9")) {
            assertThatThrownBy(lease::tryAcquire).isInstanceOf(CaptureLease.LeaseException.class)
                    .hasMessageContaining("127.0.0.1:" + port).hasMessageNotContaining(server.superuserPassword());
        }
    }

    @Test
    void theKeyIsStablePerDatabaseAndSlot() {
        assertThat(CaptureLease.key("shop", "tidelog")).isEqualTo(CaptureLease.key("shop", "tidelog"))
                .isNotEqualTo(CaptureLease.key("shop", "tidelog2")).isNotEqualTo(CaptureLease.key("shop2", "tidelog"));
    }

    private static CaptureSettings settings(PostgresServer server, String slot) {
        return new CaptureSettings(new SourceAddress(server.host(), server.port(), DB), server.superuser(),
                server.superuserPassword(), List.of(new io.tidelog.event.TableId("public", "t")), slot, slot,
                Duration.ofMillis(10), 512, OffsetStorage.memory(), Duration.ofSeconds(60),
                CaptureSettings.SnapshotMode.STREAM_ONLY, Duration.ZERO);
    }
}
