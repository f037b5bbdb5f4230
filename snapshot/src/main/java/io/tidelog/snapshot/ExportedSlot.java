package io.tidelog.snapshot;

import io.tidelog.event.Lsn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.ReplicationSlotInfo;

/**
 * A logical replication slot created together with an exported snapshot: the snapshot shows the
 * database exactly as of the slot's consistent point, so reading the tables in it and then
 * streaming from the slot covers every row once.
 *
 * <p>The snapshot stays importable ({@code SET TRANSACTION SNAPSHOT}) only while this object's
 * replication connection is open and idle: nothing else may run on it. {@link #close()} closes
 * the connection; the slot itself stays for streaming.
 */
final class ExportedSlot implements AutoCloseable {

    private final Connection replication;
    private final ReplicationSlotInfo info;

    private ExportedSlot(Connection replication, ReplicationSlotInfo info) {
        this.replication = replication;
        this.info = info;
    }

    /** Creates the slot (pgoutput) with an exported snapshot. Fails if the slot already exists. */
    static ExportedSlot create(SnapshotSettings s) throws SQLException {
        Properties p = new Properties();
        PGProperty.USER.set(p, s.username());
        PGProperty.PASSWORD.set(p, s.password());
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        Connection c = DriverManager.getConnection(s.jdbcUrl(), p);
        try {
            ReplicationSlotInfo info = c.unwrap(PGConnection.class).getReplicationAPI()
                    .createReplicationSlot().logical()
                    .withSlotName(s.slotName())
                    .withOutputPlugin("pgoutput")
                    .make();
            if (info.getSnapshotName() == null) {
                throw new SnapshotException("PostgreSQL created slot " + s.slotName() + " without exporting a snapshot");
            }
            return new ExportedSlot(c, info);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The exported snapshot's name, for {@code SET TRANSACTION SNAPSHOT}. */
    String snapshotName() {
        return info.getSnapshotName();
    }

    /** The slot's consistent point: streaming from the slot starts with the first commit after it. */
    long consistentPoint() {
        return Lsn.parse(info.getConsistentPoint().asString());
    }

    @Override
    public void close() throws SQLException {
        replication.close();
    }
}
