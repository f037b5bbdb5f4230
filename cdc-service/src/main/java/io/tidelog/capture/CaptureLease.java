package io.tidelog.capture;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The right to capture from one replication slot, among several Tidelog instances with the same
 * configuration: a PostgreSQL session-level advisory lock on the source, held on a connection of its own.
 *
 * <h2>Why an advisory lock</h2>
 * The slot already admits one reader at a time, but an instance that lost the race for it would fail
 * and retry blindly, and nothing would say who captures. The lock is held by the session that took it
 * and released by PostgreSQL the moment that session ends — a clean stop, a crash (SIGKILL closes the
 * socket) or {@code pg_terminate_backend}; a host that vanishes without closing its socket is noticed
 * by TCP keepalive. So a standby can take over within its retry interval of the active instance's
 * death, with no clock, file or broker shared between the instances.
 *
 * <h2>Key</h2>
 * The first 8 bytes of SHA-256 of {@code "tidelog-capture:" + database + "/" + slot}: instances of one
 * deployment contend, deployments on other slots or databases do not.
 *
 * <p>Thread-safe (synchronized); the connection is used by one call at a time.
 */
public final class CaptureLease implements AutoCloseable {

    private static final int SOCKET_TIMEOUT_SECONDS = 10;

    private final CaptureSettings settings;
    private final String instanceId;
    private final long key;
    private Connection connection;

    /**
     * @param instanceId this instance's name, shown to the others as the holder
     */
    public CaptureLease(CaptureSettings settings, String instanceId) {
        this.settings = settings;
        this.instanceId = instanceId;
        this.key = key(settings.address().database(), settings.slotName());
    }

    /** The lock key of a slot in a database. */
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
            throw new IllegalStateException(e);
        }
    }

    /** This lease's application name on the source: {@code tidelog-lease <instance id>}. */
    public String applicationName() {
        return "tidelog-lease " + instanceId;
    }

    /**
     * Takes the lease if nobody holds it; holds it until {@link #release()} or the connection ends.
     *
     * @return whether this instance holds it now
     * @throws LeaseException when the source cannot be reached
     */
    public synchronized boolean tryAcquire() {
        try {
            if (connection != null && !connection.isValid(SOCKET_TIMEOUT_SECONDS)) {
                closeConnection();
            }
            if (connection == null) {
                connection = connect();
            }
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        } catch (SQLException e) {
            closeConnection();
            throw new LeaseException("cannot reach " + settings.address() + " for the capture lease: " + e.getMessage(), e);
        }
    }

    /**
     * Whether this instance still holds the lease: its session is alive (the lock lives as long as the
     * session) and PostgreSQL lists the lock as its own.
     */
    public synchronized boolean stillHeld() {
        if (connection == null) {
            return false;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND granted AND pid = pg_backend_pid() AND classid = ? AND objid = ? AND objsubid = 1")) {
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xffffffffL);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        } catch (SQLException e) {
            closeConnection();
            return false;
        }
    }

    /**
     * Who holds the lease now, as PostgreSQL sees it; empty when nobody does.
     *
     * @throws LeaseException when the source cannot be reached
     */
    public synchronized Optional<Holder> holder() {
        try {
            if (connection == null) {
                connection = connect();
            }
            try (PreparedStatement ps = connection.prepareStatement("SELECT a.application_name, host(a.client_addr), "
                    + "a.backend_start, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    + "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ? AND l.objid = ? AND l.objsubid = 1")) {
                ps.setLong(1, key >>> 32);
                ps.setLong(2, key & 0xffffffffL);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    String name = rs.getString(1);
                    return Optional.of(new Holder(name != null && name.startsWith("tidelog-lease ")
                            ? name.substring("tidelog-lease ".length()) : name, rs.getString(2),
                            rs.getTimestamp(3).toInstant(), rs.getInt(4)));
                }
            }
        } catch (SQLException e) {
            closeConnection();
            throw new LeaseException("cannot reach " + settings.address() + " for the capture lease: " + e.getMessage(), e);
        }
    }

    /**
     * Who holds a lease.
     *
     * @param instance  the holder's instance id
     * @param address   its address as PostgreSQL sees it (null for a Unix socket)
     * @param since     when its session began
     * @param backendPid its backend's pid on the source
     */
    public record Holder(String instance, String address, Instant since, int backendPid) {
    }

    /** Gives the lease up (ends the session that holds it). */
    public synchronized void release() {
        closeConnection();
    }

    @Override
    public void close() {
        release();
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", settings.username());
        if (settings.password() != null) {
            p.setProperty("password", settings.password());
        }
        p.setProperty("ApplicationName", applicationName());
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("connectTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        p.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        return DriverManager.getConnection(settings.address().jdbcUrl(), p);
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the session is gone either way
            }
            connection = null;
        }
    }

    /** The source could not be reached to take, check or describe the lease. */
    public static final class LeaseException extends RuntimeException {
        LeaseException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
