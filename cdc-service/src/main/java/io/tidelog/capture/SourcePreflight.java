package io.tidelog.capture;

import io.tidelog.event.TableId;
import io.tidelog.snapshot.ColumnDecoder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the engine starts, everything about the source that would otherwise surface as a
 * stack trace deep inside Debezium: reachability, credentials, {@code wal_level}, the REPLICATION
 * privilege, that each table exists and has a row identity, and that the slot can be used.
 *
 * <p>Each failure is a {@link SourceCheckException} with one line for the problem and one for the
 * fix. The checks read catalogs only; they change nothing.
 */
public final class SourcePreflight {

    private static final Logger log = LoggerFactory.getLogger(SourcePreflight.class);

    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private SourcePreflight() {
    }

    /** Runs every check against the source of these settings. */
    public static void check(CaptureSettings s) {
        try (Connection c = connect(s)) {
            checkWalLevel(c, s);
            checkReplicationPrivilege(c, s);
            for (TableId t : s.tables()) {
                checkTable(c, s, t);
            }
            checkSlot(c, s);
        } catch (SQLException e) {
            throw new SourceCheckException(SourceProblem.UNREACHABLE,
                    "Lost the connection to PostgreSQL at " + s.address() + " while checking it: " + e.getMessage(),
                    "Check that the server at " + s.address() + " is up and stays reachable.");
        }
    }

    /** Whether the configured replication slot exists in the source database. */
    public static boolean slotExists(CaptureSettings s) {
        try (Connection c = connect(s);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            ps.setString(1, s.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw classify(e, s);
        }
    }

    /**
     * The slot's {@code confirmed_flush_lsn}: streaming resumes there, so every transaction it delivers
     * commits at or after it. 0 when the slot does not exist.
     */
    public static long confirmedFlushLsn(CaptureSettings s) {
        try (Connection c = connect(s);
             PreparedStatement ps = c.prepareStatement("SELECT confirmed_flush_lsn::text FROM pg_replication_slots"
                     + " WHERE slot_name = ? AND database = current_database()")) {
            ps.setString(1, s.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                String lsn = rs.next() ? rs.getString(1) : null;
                return lsn == null ? 0L : io.tidelog.event.Lsn.parse(lsn);
            }
        } catch (SQLException e) {
            throw classify(e, s);
        }
    }

    /**
     * The planner's row estimate of a table ({@code pg_class.reltuples}); for a table never analysed, an
     * exact count if it finishes within 5 s. Null when neither is known.
     */
    public static Long estimatedRows(CaptureSettings s, TableId table) {
        String name = ColumnDecoder.quote(table.schema()) + "." + ColumnDecoder.quote(table.table());
        try (Connection c = connect(s)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT c.reltuples::bigint FROM pg_class c WHERE c.oid = ?::regclass")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        return rs.getLong(1);
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET statement_timeout = 5000");
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + name)) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("No row estimate for {}: {}", table, e.getMessage());
            return null;
        }
    }

    private static Connection connect(CaptureSettings s) {
        Properties p = new Properties();
        p.setProperty("user", s.username());
        p.setProperty("password", s.password());
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        p.setProperty("ApplicationName", "tidelog-preflight");
        try {
            return DriverManager.getConnection(s.address().jdbcUrl(), p);
        } catch (SQLException e) {
            throw classify(e, s);
        }
    }

    /** Maps a connection failure to the problem the user has to fix, by SQLState. */
    static SourceCheckException classify(SQLException e, CaptureSettings s) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        SourceAddress a = s.address();
        if (state.startsWith("28")) {
            return new SourceCheckException(SourceProblem.AUTHENTICATION_FAILED,
                    "PostgreSQL at " + a.host() + ":" + a.port() + " rejected user '" + s.username()
                            + "' (SQLState " + state + ": authentication failed).",
                    "Check tidelog.source.username and the password (environment variable TIDELOG_SOURCE_PASSWORD), "
                            + "and that pg_hba.conf allows this user from this host.");
        }
        if ("3D000".equals(state)) {
            return new SourceCheckException(SourceProblem.DATABASE_MISSING,
                    "Database '" + a.database() + "' does not exist on PostgreSQL at " + a.host() + ":" + a.port() + ".",
                    "Fix the database name in tidelog.source.url or create the database.");
        }
        return new SourceCheckException(SourceProblem.UNREACHABLE,
                "Cannot reach PostgreSQL at " + a.host() + ":" + a.port() + " (" + firstLine(e.getMessage()) + ").",
                "Check the host and port in tidelog.source.url and that the server is running and accepts TCP connections.");
    }

    private static void checkWalLevel(Connection c, CaptureSettings s) throws SQLException {
        String level = single(c, "SHOW wal_level");
        if (!"logical".equals(level)) {
            throw new SourceCheckException(SourceProblem.WAL_LEVEL,
                    "PostgreSQL at " + s.address() + " has wal_level=" + level + "; logical decoding needs wal_level=logical.",
                    "Set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) "
                            + "and restart PostgreSQL; a reload is not enough.");
        }
    }

    private static void checkReplicationPrivilege(Connection c, CaptureSettings s) throws SQLException {
        String sql = "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user";
        if (!"t".equals(single(c, sql))) {
            throw new SourceCheckException(SourceProblem.NO_REPLICATION_PRIVILEGE,
                    "User '" + s.username() + "' lacks the REPLICATION attribute needed to read a replication slot.",
                    "Run ALTER ROLE \"" + s.username() + "\" WITH REPLICATION; as a superuser, or configure a user that has it.");
        }
    }

    private static void checkTable(Connection c, CaptureSettings s, TableId t) throws SQLException {
        String sql = """
                SELECT c.relreplident,
                       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SourceCheckException(SourceProblem.TABLE_MISSING,
                            "Table " + t + " (listed in tidelog.source.tables) does not exist in database '"
                                    + s.address().database() + "'.",
                            "Create the table, or fix or remove " + t + " in tidelog.source.tables.");
                }
                boolean full = "f".equals(rs.getString(1));
                boolean hasPrimaryKey = rs.getBoolean(2);
                if (!hasPrimaryKey && !full) {
                    throw new SourceCheckException(SourceProblem.NO_ROW_IDENTITY,
                            "Table " + t + " has no primary key and no REPLICA IDENTITY FULL, "
                                    + "so its updates and deletes cannot be identified.",
                            "Add a primary key to " + t + ", or run ALTER TABLE " + t + " REPLICA IDENTITY FULL;");
                }
            }
        }
    }

    private static void checkSlot(Connection c, CaptureSettings s) throws SQLException {
        String sql = "SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, s.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (rs.getBoolean(1)) {
                        throw new SourceCheckException(SourceProblem.SLOT_IN_USE,
                                "Replication slot '" + s.slotName() + "' is in use by another connection (pid "
                                        + rs.getLong(2) + "); another capturer is running.",
                                "Stop the other capturer, or give this instance its own tidelog.source.slot-name.");
                    }
                    return;
                }
            }
        }
        String free = single(c, "SELECT current_setting('max_replication_slots')::int - count(*) FROM pg_replication_slots");
        if (Integer.parseInt(free) <= 0) {
            throw new SourceCheckException(SourceProblem.NO_FREE_SLOT,
                    "Replication slot '" + s.slotName() + "' does not exist and all max_replication_slots are taken.",
                    "Drop an unused slot (SELECT pg_drop_replication_slot(name)) or raise max_replication_slots and restart PostgreSQL.");
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
