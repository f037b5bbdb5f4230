package io.tidelog.bench;

import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.ChangeLogWriter;
import io.tidelog.capture.OffsetStorage;
import io.tidelog.capture.SourceAddress;
import io.tidelog.capture.TopicNaming;
import io.tidelog.event.TableId;
import io.tidelog.harness.PostgresServer;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import io.tidelog.snapshot.AlignedSnapshot;
import io.tidelog.snapshot.SnapshotResult;
import io.tidelog.snapshot.SnapshotSettings;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;

/**
 * Issue 4's capture benchmark: the initial snapshot of a 1,000,000-row table (~126 B/row) by
 * Tidelog's aligned snapshot into the embedded log, by Debezium's own snapshot into an empty
 * consumer, and by a bare JDBC COPY; then a 500,000-row update burst streamed by Tidelog into the
 * log and by the bare Debezium engine into an empty consumer. Same PostgreSQL, same run.
 *
 * <p>Run with {@code bench/capture.sh [rows [all|snapshot|streaming]]}; prints a Markdown table.
 */
public final class CaptureBenchmark {

    private static final String DB = "bench";
    private static final TableId TABLE = new TableId("public", "accounts");

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        BenchTable table = new BenchTable("what", "rows or events", "seconds", "per second", "CPU-s per 100k");
        try (PostgresServer pg = PostgresServer.builder().name("bench-postgres")
                .setting("shared_buffers", "256MB").setting("max_wal_size", "4GB").start()) {
            pg.createDatabase(DB);
            pg.execute(DB, """
                    CREATE TABLE accounts (id bigint PRIMARY KEY, n int NOT NULL, a text NOT NULL, b text NOT NULL,
                                           ts timestamptz NOT NULL, f float8 NOT NULL);
                    ALTER TABLE accounts REPLICA IDENTITY FULL;
                    """);
            pg.execute(DB, "INSERT INTO accounts SELECT g, g % 1000, md5(g::text), 'label-' || (g % 97), "
                    + "now() - g * interval '1 second', g * 0.5 FROM generate_series(1, " + rows + ") g", "VACUUM ANALYZE accounts");
            System.out.println("Seeded " + rows + " rows; table size " + size(pg));

            String only = args.length > 1 ? args[1] : "all";
            copyOnly(pg, rows, table);
            if (only.equals("all") || only.equals("snapshot")) {
                tidelogSnapshot(pg, rows, table);
            }
            if (only.equals("all")) {
                debeziumSnapshot(pg, rows, table);
            }
            if (only.equals("all") || only.equals("streaming")) {
                streaming(pg, Math.min(rows, 500_000), table);
            }
        }
        System.out.println();
        System.out.println(table.markdown());
    }

    private static void copyOnly(PostgresServer pg, int rows, BenchTable table) throws Exception {
        long cpu0 = cpu();
        long t0 = System.nanoTime();
        try (Connection c = pg.connect(DB)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY accounts TO STDOUT", OutputStream.nullOutputStream());
        }
        report(table, "JDBC COPY to nowhere (read ceiling)", rows, t0, cpu0);
    }

    private static void tidelogSnapshot(PostgresServer pg, int rows, BenchTable table) throws Exception {
        Path dir = Files.createTempDirectory("bench-log-");
        try (ChangeLog log = EmbeddedChangeLog.open(dir, LogConfig.defaults())) {
            ChangeLogWriter writer = new ChangeLogWriter(log, new TopicNaming("bench"), TopicConfig.compacted(4),
                    List.of(TABLE), Clock.systemUTC());
            long cpu0 = cpu();
            long t0 = System.nanoTime();
            SnapshotResult r = new AlignedSnapshot(new SnapshotSettings(pg.jdbcUrl(DB), pg.superuser(),
                    pg.superuserPassword(), List.of(TABLE), "bench_tidelog", "bench", 2, 100_000, 2048)).run(writer);
            report(table, "Tidelog aligned snapshot into the log (2 connections, fsync per batch)", r.totalRows(), t0, cpu0);
        } finally {
            Bench.deleteTree(dir);
            pg.execute(DB, "SELECT pg_drop_replication_slot('bench_tidelog')");
        }
    }

    private static void debeziumSnapshot(PostgresServer pg, int rows, BenchTable table) throws Exception {
        AtomicLong seen = new AtomicLong();
        long cpu0 = cpu();
        long t0 = System.nanoTime();
        try (Capture capture = new Capture(settings(pg, "bench_dbz_snap", CaptureSettings.SnapshotMode.DEBEZIUM_INITIAL),
                batch -> seen.addAndGet(batch.size()))) {
            capture.start();
            Bench.awaitCount(seen, rows, Duration.ofMinutes(10));
            report(table, "Debezium's own initial snapshot, empty consumer", seen.get(), t0, cpu0);
        }
        pg.execute(DB, "SELECT pg_drop_replication_slot('bench_dbz_snap')");
    }

    private static void streaming(PostgresServer pg, int events, BenchTable table) throws Exception {
        // Both capturers' slots exist before the burst, so both read the same WAL.
        Path dir = Files.createTempDirectory("bench-log-");
        try (ChangeLog log = EmbeddedChangeLog.open(dir, LogConfig.defaults())) {
            AtomicLong bare = new AtomicLong();
            AtomicLong tidelog = new AtomicLong();
            ChangeLogWriter writer = new ChangeLogWriter(log, new TopicNaming("bench"), TopicConfig.compacted(4),
                    List.of(TABLE), Clock.systemUTC());
            pg.execute(DB, "SELECT pg_create_logical_replication_slot('bench_bare', 'pgoutput')",
                    "SELECT pg_create_logical_replication_slot('bench_log', 'pgoutput')");
            pg.execute(DB, "DO $$ BEGIN FOR i IN 0.." + (events / 1000 - 1) + " LOOP "
                    + "UPDATE accounts SET n = n + 1 WHERE id > i * 1000 AND id <= (i + 1) * 1000; COMMIT; END LOOP; END $$");

            long cpu0 = cpu();
            long t0 = System.nanoTime();
            try (Capture capture = new Capture(settings(pg, "bench_bare", CaptureSettings.SnapshotMode.STREAM_ONLY),
                    batch -> bare.addAndGet(batch.size()))) {
                capture.start();
                Bench.awaitCount(bare, events, Duration.ofMinutes(10));
                report(table, "Bare Debezium engine streaming, empty consumer", bare.get(), t0, cpu0);
            }
            cpu0 = cpu();
            t0 = System.nanoTime();
            try (Capture capture = new Capture(settings(pg, "bench_log", CaptureSettings.SnapshotMode.STREAM_ONLY),
                    batch -> {
                        writer.handle(batch);
                        tidelog.addAndGet(batch.size());
                    })) {
                capture.start();
                Bench.awaitCount(tidelog, events, Duration.ofMinutes(10));
                report(table, "Tidelog streaming into the log (fsync per batch)", tidelog.get(), t0, cpu0);
            }
        } finally {
            Bench.deleteTree(dir);
        }
    }

    private static CaptureSettings settings(PostgresServer pg, String slot, CaptureSettings.SnapshotMode mode) {
        return new CaptureSettings(new SourceAddress(pg.host(), pg.port(), DB), pg.superuser(), pg.superuserPassword(),
                List.of(TABLE), slot, "bench", Duration.ofMillis(10), 2048, OffsetStorage.memory(),
                Duration.ofSeconds(120), mode, Duration.ZERO);
    }

    private static void report(BenchTable table, String what, long n, long t0, long cpu0) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (cpu() - cpu0) / 1e9;
        table.row(what, String.format("%,d", n), String.format("%.2f", seconds), BenchTable.rate(n / seconds),
                String.format("%.2f", cpuSeconds / n * 100_000));
    }

    /** CPU time of this JVM (all threads), in nanoseconds; PostgreSQL's own CPU is not included. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String size(PostgresServer pg) throws Exception {
        try (Connection c = pg.connect(DB); var st = c.createStatement();
             var rs = st.executeQuery("SELECT pg_size_pretty(pg_table_size('accounts'))")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
