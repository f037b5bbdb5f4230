package io.tidelog.bench;

import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.ChangeLogWriter;
import io.tidelog.capture.OffsetStorage;
import io.tidelog.capture.SnapshotOptions;
import io.tidelog.capture.SourceAddress;
import io.tidelog.capture.SourcePipeline;
import io.tidelog.capture.TopicNaming;
import io.tidelog.event.ChangeEvent;
import io.tidelog.event.TableId;
import io.tidelog.harness.PostgresServer;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 4's source-cost benchmark: pgbench TPS (TPC-B-like, {@code -c4 -j2}, scale 10) alone and with
 * Tidelog capturing every pgbench table into the embedded log, in one run; then commit → log-durable
 * latency (p50/p99) at paced rates of 1,000 and 10,000 events/s. Needs {@code pgbench} on the PATH
 * (Debian's PostgreSQL package on this machine kind).
 *
 * <p>Run with {@code bench/source-cost.sh [pgbench-seconds]} (default 60); {@code -Dfsync=PT0.1S} sets the
 * log's fsync interval (default: per batch).
 */
public final class SourceCostBenchmark {

    private static final String DB = "pgbench";
    private static final List<TableId> TABLES = List.of(new TableId("public", "pgbench_accounts"),
            new TableId("public", "pgbench_branches"), new TableId("public", "pgbench_tellers"),
            new TableId("public", "pgbench_history"), new TableId("public", "latency"));

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        BenchTable table = new BenchTable("what", "value");
        try (PostgresServer pg = PostgresServer.builder().name("bench-postgres").fastUnsafe(false)
                .setting("shared_buffers", "256MB").setting("max_wal_size", "4GB").start()) {
            pg.createDatabase(DB);
            pgbench(pg, "-i", "-s", "10", "-q");
            pg.execute(DB, "ALTER TABLE pgbench_history REPLICA IDENTITY FULL",
                    "CREATE TABLE latency (id bigserial PRIMARY KEY, payload text)");

            double alone = tps(pgbench(pg, "-c", "4", "-j", "2", "-T", Integer.toString(seconds), "-n"));
            table.row("pgbench -c4 -j2 -T" + seconds + " scale 10, alone (TPS)", String.format("%,.0f", alone));

            Path dir = Files.createTempDirectory("bench-log-");
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            Duration fsync = Duration.parse(System.getProperty("fsync", "PT0S"));
            LogConfig config = LogConfig.defaults().withFsync(fsync.isZero()
                    ? LogConfig.FsyncPolicy.perBatch() : LogConfig.FsyncPolicy.every(fsync));
            try (ChangeLog log = EmbeddedChangeLog.open(dir, config);
                 SourcePipeline pipeline = pipeline(pg, log, latencies)) {
                pipeline.start();
                double captured = tps(pgbench(pg, "-c", "4", "-j", "2", "-T", Integer.toString(seconds), "-n"));
                table.row("pgbench, same, with Tidelog capturing all tables into the log, log fsync "
                        + (fsync.isZero() ? "per batch" : "every " + fsync.toMillis() + " ms") + " (TPS)", String.format("%,.0f", captured));
                table.row("ratio (target >= 0.90)", String.format("%.2f", captured / alone));
                for (int rate : new int[] {1_000, 10_000}) {
                    latencies.clear();
                    pace(pg, rate, Duration.ofSeconds(15));
                    List<Long> sorted = settled(latencies, rate * 15L);
                    table.row("commit -> log-durable latency at " + String.format("%,d", rate) + " events/s, p50 / p99 (ms)",
                            percentile(sorted, 0.50) + " / " + percentile(sorted, 0.99));
                }
            } finally {
                Bench.deleteTree(dir);
            }
        }
        System.out.println();
        System.out.println(table.markdown());
    }

    private static SourcePipeline pipeline(PostgresServer pg, ChangeLog log, List<Long> latencies) {
        CaptureSettings settings = new CaptureSettings(new SourceAddress(pg.host(), pg.port(), DB), pg.superuser(),
                pg.superuserPassword(), TABLES, "bench_cost", "bench_cost", Duration.ofMillis(10), 2048,
                OffsetStorage.memory(), Duration.ofSeconds(120), CaptureSettings.SnapshotMode.STREAM_ONLY,
                Duration.ofSeconds(10));
        ChangeLogWriter writer = new ChangeLogWriter(log, new TopicNaming("bench"), TopicConfig.compacted(4), TABLES,
                Clock.systemUTC());
        return new SourcePipeline(settings, new SnapshotOptions(2, 100_000), log, writer, batch -> {
            long now = System.currentTimeMillis();
            for (ChangeEvent e : batch) {
                if (e.table().table().equals("latency")) {
                    latencies.add(now - e.position().commitTime().toEpochMilli());
                }
            }
        }, Clock.systemUTC());
    }

    /** Inserts into the latency table at {@code rate} rows/s for {@code d}: 1 row per transaction up to 1,000/s, else 10. */
    private static void pace(PostgresServer pg, int rate, Duration d) throws Exception {
        int rowsPerTx = rate > 1_000 ? 10 : 1;
        long txPerSecond = rate / rowsPerTx;
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / txPerSecond;
        try (Connection c = pg.connect(DB);
             PreparedStatement ps = c.prepareStatement("INSERT INTO latency (payload) SELECT md5(g::text) FROM generate_series(1, ?) g")) {
            ps.setInt(1, rowsPerTx);
            long start = System.nanoTime();
            long end = start + d.toNanos();
            for (long next = start; next < end; next += periodNanos) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                ps.executeUpdate();
            }
        }
    }

    /** The latencies once all expected events arrived (or 30 s passed), sorted. */
    private static List<Long> settled(List<Long> latencies, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (latencies.size() < expected && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return sorted;
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) (p * sorted.size())));
    }

    private static String pgbench(PostgresServer pg, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("pgbench", "-h", pg.host(), "-p", Integer.toString(pg.port()),
                "-U", pg.superuser()));
        command.addAll(List.of(args));
        command.add(DB);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", pg.superuserPassword());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pgbench " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    private static double tps(String pgbenchOutput) {
        Matcher m = Pattern.compile("tps = ([0-9.]+)").matcher(pgbenchOutput);
        if (!m.find()) {
            throw new IllegalStateException("no tps in pgbench output:\n" + pgbenchOutput);
        }
        return Double.parseDouble(m.group(1));
    }
}
