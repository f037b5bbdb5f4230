package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresServerIT {

    private static PostgresServer postgres;

    @BeforeAll
    static void start() {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void runsPostgres17AsTheUnprivilegedUserWhenTheJvmIsRoot() throws Exception {
        assertThat(postgres.isRunning()).isTrue();
        assertThat(query(postgres, "SHOW server_version")).startsWith("17.");
        int owner = (Integer) Files.getAttribute(Path.of("/proc", Long.toString(postgres.processHandle().pid())), "unix:uid");
        int expected = ServerUser.forServers().dropsPrivileges()
                ? ServerUser.UNPRIVILEGED_ID
                : (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertThat(owner).isEqualTo(expected);
    }

    @Test
    void isConfiguredForLogicalDecodingOnLoopbackOnly() throws Exception {
        assertThat(query(postgres, "SHOW wal_level")).isEqualTo("logical");
        assertThat(query(postgres, "SHOW max_replication_slots")).isEqualTo("20");
        assertThat(query(postgres, "SHOW max_wal_senders")).isEqualTo("20");
        assertThat(query(postgres, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(query(postgres, "SHOW unix_socket_directories")).isEmpty();
        assertThat(query(postgres, "SHOW fsync")).isEqualTo("off");
        assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres");
    }

    @Test
    void createsALogicalReplicationSlotWithPgoutput() throws Exception {
        postgres.execute("postgres", "SELECT pg_create_logical_replication_slot('harness_slot', 'pgoutput')");
        try {
            assertThat(query(postgres, "SELECT plugin FROM pg_replication_slots WHERE slot_name = 'harness_slot'"))
                    .isEqualTo("pgoutput");
        } finally {
            postgres.execute("postgres", "SELECT pg_drop_replication_slot('harness_slot')");
        }
    }

    @Test
    void acceptsReplicationConnectionsWithThePassword() throws Exception {
        Properties properties = credentials(postgres.superuserPassword());
        properties.setProperty("replication", "database");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("assumeMinServerVersion", "10");
        try (Connection replication = DriverManager.getConnection(postgres.jdbcUrl(), properties);
             Statement statement = replication.createStatement();
             ResultSet rs = statement.executeQuery("IDENTIFY_SYSTEM")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("dbname")).isEqualTo("postgres");
        }
    }

    @Test
    void rejectsAWrongPasswordWithInvalidPasswordSqlState() {
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(), credentials("not-the-password")).close())
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
    }

    @Test
    void createsDatabasesAndRunsStatementsInThem() throws Exception {
        String url = postgres.createDatabase("harness_orders");
        postgres.execute("harness_orders",
                "CREATE TABLE orders (id int PRIMARY KEY, note text)",
                "INSERT INTO orders VALUES (1, 'first'), (2, 'second')");

        assertThat(url).isEqualTo(postgres.jdbcUrl("harness_orders"));
        try (Connection connection = DriverManager.getConnection(url, credentials(postgres.superuserPassword()));
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT string_agg(note, ',' ORDER BY id) FROM orders")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("first,second");
        }
    }

    @Test
    void replicaWalLevelServerRefusesLogicalSlots() throws Exception {
        try (PostgresServer replica = PostgresServer.builder().name("postgres-replica")
                .walLevel(PostgresServer.WalLevel.REPLICA).superuserPassword("s3cret'\"pw").start()) {
            assertThat(query(replica, "SHOW wal_level")).isEqualTo("replica");
            assertThat(replica.superuserPassword()).isEqualTo("s3cret'\"pw");
            assertThatThrownBy(() -> replica.execute("postgres", "SELECT pg_create_logical_replication_slot('s', 'pgoutput')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("wal_level");
        }
    }

    static String query(PostgresServer server, String sql) throws SQLException {
        try (Connection connection = server.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            return rs.getString(1);
        }
    }

    private static Properties credentials(String password) {
        Properties properties = new Properties();
        properties.setProperty("user", PostgresServer.SUPERUSER);
        properties.setProperty("password", password);
        return properties;
    }
}
