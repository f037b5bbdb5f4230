package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tidelog.event.TableId;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The capture lease on a real PostgreSQL: one holder per slot, visible to the others, released with its session. */
@ExtendWith(PostgresExtension.class)
class CaptureLeaseIT {

    private static final String DB = "capture_lease_it";
    private static final Duration CHECK = Duration.ofSeconds(2);

    @BeforeAll
    static void database(PostgresServer server) throws Exception {
        server.createDatabase(DB);
    }

    @Test
    void oneInstanceOfASlotHoldsTheLeaseAndTheOthersSeeWho(PostgresServer server) {
        try (CaptureLease a = lease(server, "slot_one", "host-a/1");
             CaptureLease b = lease(server, "slot_one", "host-b/2")) {
            assertThat(b.holder()).as("nobody holds it yet").isEmpty();

            assertThat(a.tryAcquire()).isTrue();
            assertThat(b.tryAcquire()).as("a holds it").isFalse();
            assertThat(a.tryAcquire()).as("taking it again while holding it").isTrue();
            assertThat(a.stillHeld()).isTrue();
            assertThat(b.stillHeld()).isFalse();

            CaptureLease.Holder holder = b.holder().orElseThrow();
            assertThat(holder.instance()).isEqualTo("host-a/1");
            assertThat(holder.address()).isEqualTo("127.0.0.1");
            assertThat(holder.since()).isNotNull();
            assertThat(a.holder()).contains(holder);
        }
    }

    @Test
    void whenTheHoldersSessionEndsItKnowsAndAnotherInstanceTakesTheLease(PostgresServer server) throws Exception {
        try (CaptureLease a = lease(server, "slot_two", "host-a/1");
             CaptureLease b = lease(server, "slot_two", "host-b/2")) {
            assertThat(a.tryAcquire()).isTrue();
            assertThat(b.tryAcquire()).isFalse();

            terminate(server, b.holder().orElseThrow().backendPid()); // as when the holder's process dies
            await("a notices its session is gone").atMost(Duration.ofSeconds(30)).until(() -> !a.stillHeld());
            await("b takes the lease").atMost(Duration.ofSeconds(30)).until(b::tryAcquire);
            assertThat(a.holder().map(CaptureLease.Holder::instance)).contains("host-b/2");
            assertThat(a.tryAcquire()).as("a comes back as a standby").isFalse();

            b.release();
            assertThat(b.stillHeld()).isFalse();
            await("a takes it once b gave it up").atMost(Duration.ofSeconds(30)).until(a::tryAcquire);
            assertThat(b.holder().map(CaptureLease.Holder::instance)).contains("host-a/1");
        }
    }

    @Test
    void leasesOfOtherSlotsDoNotExcludeEachOther(PostgresServer server) {
        try (CaptureLease one = lease(server, "slot_three", "host-a/1");
             CaptureLease other = lease(server, "slot_four", "host-b/2")) {
            assertThat(one.tryAcquire()).isTrue();
            assertThat(other.tryAcquire()).isTrue();
            assertThat(other.holder().map(CaptureLease.Holder::instance)).contains("host-b/2");
        }
    }

    @Test
    void theLeaseSessionIsNamedForTheOthers(PostgresServer server) throws Exception {
        try (CaptureLease a = lease(server, "slot_five", "host-a/1")) {
            assertThat(a.tryAcquire()).isTrue();
            try (Connection c = server.connect(DB);
                 PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
                ps.setString(1, "tidelog-lease host-a/1");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void anUnreachableSourceIsASourceProblem(PostgresServer server) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CaptureSettings nowhere = settings(new SourceAddress("127.0.0.1", port, DB), server.superuser(),
                server.superuserPassword(), "slot_x");
        try (CaptureLease lease = new CaptureLease(nowhere, "host-x/9", CHECK)) {
            assertThatThrownBy(lease::tryAcquire).isInstanceOfSatisfying(SourceCheckException.class,
                    e -> assertThat(e.problem()).isEqualTo(SourceProblem.UNREACHABLE))
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }

    @Test
    void aWrongPasswordIsASourceProblemThatNeverShowsThePassword(PostgresServer server) {
        String wrong = "not-the-password-4711";
        CaptureSettings s = settings(new SourceAddress(server.host(), server.port(), DB), server.superuser(), wrong, "slot_y");
        try (CaptureLease lease = new CaptureLease(s, "host-y/9", CHECK)) {
            assertThatThrownBy(lease::holder).isInstanceOfSatisfying(SourceCheckException.class, e -> {
                assertThat(e.problem()).isEqualTo(SourceProblem.AUTHENTICATION_FAILED);
                assertThat(e.getMessage() + e.fix()).doesNotContain(wrong);
            });
        }
    }

    @Test
    void theKeyIsStableAndPerDatabaseAndSlot() {
        assertThat(CaptureLease.key("shop", "tidelog")).as("instances of different versions must agree")
                .isEqualTo(3606514716027195169L);
        assertThat(CaptureLease.key("shop", "tidelog")).isNotEqualTo(CaptureLease.key("shop", "tidelog2"))
                .isNotEqualTo(CaptureLease.key("shop2", "tidelog"));
    }

    private static void terminate(PostgresServer server, int pid) throws Exception {
        try (Connection c = server.connect(DB); PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            ps.execute();
        }
    }

    private static CaptureLease lease(PostgresServer server, String slot, String instance) {
        return new CaptureLease(settings(new SourceAddress(server.host(), server.port(), DB), server.superuser(),
                server.superuserPassword(), slot), instance, CHECK);
    }

    private static CaptureSettings settings(SourceAddress address, String user, String password, String slot) {
        return new CaptureSettings(address, user, password, List.of(new TableId("public", "t")), slot, slot,
                Duration.ofMillis(10), 512, OffsetStorage.memory(), Duration.ofSeconds(60),
                CaptureSettings.SnapshotMode.STREAM_ONLY, Duration.ZERO);
    }
}
