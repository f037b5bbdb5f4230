package io.tidelog.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.tidelog.harness.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionIT {

    private static PostgresServer fromBeforeAll;
    private final PostgresServer fromConstructor;

    PostgresExtensionIT(PostgresServer postgres) {
        this.fromConstructor = postgres;
    }

    @BeforeAll
    static void capture(PostgresServer postgres) {
        fromBeforeAll = postgres;
    }

    @Test
    void injectsOneSharedLogicalServerEverywhere(PostgresServer postgres) throws SQLException {
        assertThat(postgres).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
        assertThat(postgres.isRunning()).isTrue();
        assertThat(show(postgres, "wal_level")).isEqualTo("logical");
    }

    @Test
    void startsASeparateServerForAnotherConfiguration(
            PostgresServer logical,
            @PostgresConfig(walLevel = PostgresServer.WalLevel.REPLICA, settings = "max_connections = 40") PostgresServer replica,
            @PostgresConfig(walLevel = PostgresServer.WalLevel.REPLICA, settings = "max_connections = 40") PostgresServer sameReplica)
            throws SQLException {
        assertThat(replica).isNotSameAs(logical).isSameAs(sameReplica);
        assertThat(replica.port()).isNotEqualTo(logical.port());
        assertThat(show(replica, "wal_level")).isEqualTo("replica");
        assertThat(show(replica, "max_connections")).isEqualTo("40");
    }

    @Test
    void closesItsServersWhenTheRunEndsEvenIfTestsFail() {
        FailingSample.seen = null;

        EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingSample.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(1).failed(1));

        PostgresServer seen = FailingSample.seen;
        assertThat(seen).isNotNull().isNotSameAs(fromConstructor);
        assertThat(seen.isRunning()).isFalse();
        assertThat(seen.processHandle().isAlive()).isFalse();
        assertThat(seen.workDir()).doesNotExist();
        assertThat(fromConstructor.isRunning()).as("this run's server is untouched").isTrue();
    }

    /** Run only through the {@link EngineTestKit} above (nested classes are not picked up by failsafe). */
    @ExtendWith(PostgresExtension.class)
    static class FailingSample {

        static volatile PostgresServer seen;

        @Test
        void fails(PostgresServer postgres) {
            seen = postgres;
            assertThat(postgres.isRunning()).isFalse();
        }
    }

    private static String show(PostgresServer server, String setting) throws SQLException {
        try (Connection connection = server.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
