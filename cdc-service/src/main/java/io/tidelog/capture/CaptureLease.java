package io.tidelog.capture;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The right to capture from one replication slot, among several Tidelog instances with the same
 * configuration: a PostgreSQL session-level advisory lock on the source, held on a connection of its own.
 *
 * <h2>Why an advisory lock</h2>
 * The slot already admits one reader at a time, but an instance that lost the race for it would fail
 * and retry blindly, and nothing would say who captures. The lock belongs to the session that took it
 * and PostgreSQL releases it the moment that session ends: a clean stop, a crash (SIGKILL closes the
 * socket, so the backend exits at once) or {@code pg_terminate_backend}. No clock, file or broker is
 * shared between the instances.
 *
 * <h2>Key</h2>
 * The first 8 bytes (big-endian) of SHA-256 of {@code "tidelog-capture:" + database + "/" + slot}
 * ({@link #key(String, String)}): instances of one deployment contend, deployments on other slots or
 * databases of the same server do not. In {@code pg_locks} it shows as {@code classid} (high 32 bits),
 * {@code objid} (low 32 bits), {@code objsubid = 1}.
 *
 * <h2>A silent network</h2>
 * Every call waits at most {@link #TIMEOUT} for the source ({@code socketTimeout}); a call that times
 * out ends the session, so the holder learns it lost the lease within its check interval plus
 * {@link #TIMEOUT}. PostgreSQL, for its part, drops a session whose peer went silent (a host that
 * vanished without closing its socket) by TCP keepalive, which this session sets to start after the
 * check interval plus {@link #TIMEOUT} and give up after {@value #KEEPALIVE_PROBES} probes
 * {@value #KEEPALIVE_PROBE_SECONDS} s apart ({@code tcp_user_timeout}, PostgreSQL 12+, to the same
 * total). So the holder notices first and stops capturing at
 * least {@value #KEEPALIVE_PROBES} × {@value #KEEPALIVE_PROBE_SECONDS} s before another instance can
 * take the lock. (The slot itself still admits one reader, whatever the lease says.)
 *
 * <p>The session's {@code application_name} is {@code tidelog-lease <instance id>}, so every
 * instance, and anyone reading {@code pg_stat_activity}, can see who holds it ({@link #holder()}).
 *
 * <p>Thread-safe: every method is synchronized; the connection serves one call at a time.
 */
public final class CaptureLease implements AutoCloseable {

    /** How long one call may wait for the source before the session counts as lost. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** What the lease session's {@code application_name} starts with; the instance id follows. */
    public static final String APPLICATION_PREFIX = "tidelog-lease ";

    static final int KEEPALIVE_PROBES = 3;
    static final int KEEPALIVE_PROBE_SECONDS = 2;

    private static final String LOCK_ROW = "l.locktype = 'advisory' AND l.granted AND l.classid = ? AND l.objid = ? "
            + "AND l.objsubid = 1";

    private final CaptureSettings settings;
    private final String instanceId;
    private final long key;
    private final long keepaliveIdleSeconds;
    private Connection connection;
    private boolean held;

    /**
     * @param instanceId    this instance's name, shown to the others as the holder
     * @param checkInterval how often the holder calls {@link #stillHeld()}; sets when PostgreSQL gives
     *                      up on a silent session (see the class comment)
     */
    public CaptureLease(CaptureSettings settings, String instanceId, Duration checkInterval) {
        this.settings = settings;
        this.instanceId = instanceId;
        this.key = key(settings.address().database(), settings.slotName());
        this.keepaliveIdleSeconds = Math.max(1, (checkInterval.plus(TIMEOUT).toMillis() + 999) / 1000);
    }

    /** The lock key of a slot in a database; see the class comment. */
    public static long key(String database, String slot) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(("tidelog-capture:" + database + "/" + slot).getBytes(StandardCharsets.UTF_8));
            long k = 0;
            for (int i = 0; i < 8; i++) {
                k = (k << 8) | (h[i] & 0xff);
            }
            return k;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** This lease's application name on the source: {@code tidelog-lease <instance id>}. */
    public String applicationName() {
        return APPLICATION_PREFIX + instanceId;
    }

    /**
     * Takes the lease if nobody holds it; holds it until {@link #release()} or the session ends.
     * Taking it again while holding it takes nothing more (the lock is not stacked).
     *
     * @return whether this instance holds the lease now
     * @throws SourceCheckException when the source cannot be reached or refuses the credentials
     * @throws LeaseException       when the session fails during the call
     */
    public synchronized boolean tryAcquire() {
        if (held && stillHeld()) {
            return true;
        }
        Connection c = connection();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                held = rs.next() && rs.getBoolean(1);
                return held;
            }
        } catch (SQLException e) {
            closeConnection();
            throw new LeaseException("Lost the capture lease session to " + settings.address() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether this instance still holds the lease: its session answers within {@link #TIMEOUT} and
     * PostgreSQL lists the lock as granted to that session's backend. Once false, the session is
     * closed and stays so until the next {@link #tryAcquire()}.
     */
    public synchronized boolean stillHeld() {
        if (!held || connection == null) {
            return false;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT count(*) FROM pg_locks l WHERE " + LOCK_ROW + " AND l.pid = pg_backend_pid()")) {
            bindKey(ps);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getInt(1) == 1) {
                    return true;
                }
            }
        } catch (SQLException e) {
            // fall through: a session that does not answer holds nothing we can rely on
        }
        closeConnection();
        return false;
    }

    /**
     * Who holds the lease now, as PostgreSQL sees it; empty when nobody does.
     *
     * @throws SourceCheckException when the source cannot be reached or refuses the credentials
     * @throws LeaseException       when the session fails during the call
     */
    public synchronized Optional<Holder> holder() {
        Connection c = connection();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.application_name, host(a.client_addr), "
                + "a.backend_start, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE " + LOCK_ROW)) {
            bindKey(ps);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String name = rs.getString(1);
                String instance = name != null && name.startsWith(APPLICATION_PREFIX)
                        ? name.substring(APPLICATION_PREFIX.length()) : name;
                return Optional.of(new Holder(instance, rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getInt(4)));
            }
        } catch (SQLException e) {
            closeConnection();
            throw new LeaseException("Lost the capture lease session to " + settings.address() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Who holds a lease.
     *
     * @param instance   the holder's instance id (its whole {@code application_name} if it is not a Tidelog lease)
     * @param address    its address as PostgreSQL sees it; null over a Unix socket
     * @param since      when its session began
     * @param backendPid its backend's process id on the source
     */
    public record Holder(String instance, String address, Instant since, int backendPid) {

        /** {@code instance (address)}, for logs and status. */
        @Override
        public String toString() {
            return address == null ? instance : instance + " (" + address + ")";
        }
    }

    /** Gives the lease up by ending the session that holds it; idempotent. */
    public synchronized void release() {
        closeConnection();
    }

    @Override
    public void close() {
        release();
    }

    private void bindKey(PreparedStatement ps) throws SQLException {
        ps.setLong(1, key >>> 32);
        ps.setLong(2, key & 0xffffffffL);
    }

    private Connection connection() {
        if (connection != null) {
            return connection;
        }
        Properties p = new Properties();
        p.setProperty("user", settings.username());
        if (settings.password() != null) {
            p.setProperty("password", settings.password());
        }
        p.setProperty("ApplicationName", applicationName());
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("connectTimeout", Long.toString(TIMEOUT.toSeconds()));
        p.setProperty("socketTimeout", Long.toString(TIMEOUT.toSeconds()));
        Connection c;
        try {
            c = DriverManager.getConnection(settings.address().jdbcUrl(), p);
        } catch (SQLException e) {
            throw SourcePreflight.classify(e, settings);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('tcp_keepalives_idle', ?, false), "
                + "set_config('tcp_keepalives_interval', ?, false), set_config('tcp_keepalives_count', ?, false)");
             PreparedStatement userTimeout = c.prepareStatement("SELECT set_config('tcp_user_timeout', ?, false) "
                     + "WHERE current_setting('server_version_num')::int >= 120000")) {
            ps.setString(1, Long.toString(keepaliveIdleSeconds));
            ps.setString(2, Integer.toString(KEEPALIVE_PROBE_SECONDS));
            ps.setString(3, Integer.toString(KEEPALIVE_PROBES));
            ps.execute();
            // the same bound when the server's last answer is the unacknowledged data (PostgreSQL 12+)
            userTimeout.setString(1, Long.toString((keepaliveIdleSeconds + KEEPALIVE_PROBES * KEEPALIVE_PROBE_SECONDS) * 1000));
            userTimeout.execute();
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // failed either way
            }
            throw new LeaseException("Could not set up the capture lease session on " + settings.address() + ": "
                    + e.getMessage(), e);
        }
        connection = c;
        return c;
    }

    private void closeConnection() {
        held = false;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the session is gone either way
            }
            connection = null;
        }
    }

    /** The lease session failed during a call (the source went away, or the call timed out). */
    public static final class LeaseException extends RuntimeException {
        LeaseException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
