package io.tidelog.bench.sinks;

import io.tidelog.bench.BenchTable;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * End-to-end sink benchmark: PostgreSQL → pipeline → Redis, the same workload for every registered
 * {@link PipelineUnderTest}, in one run, printed as one Markdown table. Run with {@code bench/sinks.sh}.
 *
 * <p>Per pipeline, on fresh servers (PostgreSQL 17 from the harness with {@code fastUnsafe(false)}:
 * fsync and synchronous_commit on, so a commit is on disk and in the WAL the walsender may send when
 * it returns; Redis 6.2 from the harness, no persistence):
 * <ol>
 *   <li>load {@code rows} rows (default 100,000) <em>before</em> the pipeline starts;
 *   <li>start it and update the probe row until the target shows an update: "start → streaming"
 *       (JVM start, slot, any initial snapshot);
 *   <li>a warm-up burst ({@code warmup} updates, default 20,000; printed, not tabled);
 *   <li>the burst: {@code updates} row updates (default 200,000) in transactions of {@code txRows}
 *       (1,000) from one connection, timed from the first commit's return until the target shows the
 *       last transaction → events/s; {@code bursts} times (default 3), the table shows the median;
 *   <li>for each of {@code rates} (default 1,000 and 10,000 rows/s): a paced writer (100 tx/s of
 *       rate/100 rows) plus a probe writer updating row 0 {@code probes} times a second (default 50)
 *       with {@code ts_ms} = its wall clock, for {@code seconds} (default 25); the poller records
 *       (seen − ts_ms) for every probe version it sees, ignoring the first {@code settle} seconds (2);
 *       then waits until the last probe arrived.
 * </ol>
 * CPU and RSS are the pipeline process's ({@link PipelineUnderTest#process()}), from /proc.
 *
 * <p>Arguments, all optional, {@code key=value}: {@code pipelines=a,b} (default: all in {@link #PIPELINES}),
 * {@code rows}, {@code updates}, {@code bursts}, {@code txRows}, {@code warmup}, {@code rates=1000,10000},
 * {@code seconds}, {@code settle}, {@code probes}, {@code timeout} (seconds per wait, default 600).
 * {@code -Dtidelog.bench.keep=true} keeps each pipeline's work directory (its config and log).
 */
public final class SinkBenchmark {

    /** The pipelines, by name; the lead registers Tidelog's here. */
    static final Map<String, Supplier<PipelineUnderTest>> PIPELINES = new LinkedHashMap<>();

    static {
        PIPELINES.put("debezium-server-3.6", DebeziumServerPipeline::new);
        PIPELINES.put("tidelog-redis", TidelogPipeline::redisOnly);
        PIPELINES.put("tidelog-redis-kafka", TidelogPipeline::redisOnKafka);
        PIPELINES.put("tidelog-all", TidelogPipeline::allSinks);
    }

    private static final String DB = "bench";

    record Config(List<String> pipelines, int rows, long updates, int bursts, int txRows, long warmup, int[] rates,
                  Duration phase, Duration settle, int probes, Duration timeout) {

        static Config parse(String[] args) {
            Map<String, String> a = new LinkedHashMap<>();
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("expected key=value, got " + arg);
                }
                a.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
            Config c = new Config(
                    List.of(a.getOrDefault("pipelines", String.join(",", PIPELINES.keySet())).split(",")),
                    Integer.parseInt(a.getOrDefault("rows", "100000")),
                    Long.parseLong(a.getOrDefault("updates", "200000")),
                    Integer.parseInt(a.getOrDefault("bursts", "3")),
                    Integer.parseInt(a.getOrDefault("txRows", "1000")),
                    Long.parseLong(a.getOrDefault("warmup", "20000")),
                    Arrays.stream(a.getOrDefault("rates", "1000,10000").split(",")).mapToInt(Integer::parseInt).toArray(),
                    Duration.ofSeconds(Long.parseLong(a.getOrDefault("seconds", "25"))),
                    Duration.ofSeconds(Long.parseLong(a.getOrDefault("settle", "2"))),
                    Integer.parseInt(a.getOrDefault("probes", "50")),
                    Duration.ofSeconds(Long.parseLong(a.getOrDefault("timeout", "600"))));
            Set<String> known = Set.of("pipelines", "rows", "updates", "bursts", "txRows", "warmup", "rates", "seconds", "settle", "probes", "timeout");
            a.keySet().stream().filter(k -> !known.contains(k)).findFirst().ifPresent(k -> {
                throw new IllegalArgumentException("unknown argument " + k + "; known: " + known);
            });
            for (String p : c.pipelines) {
                if (!PIPELINES.containsKey(p)) {
                    throw new IllegalArgumentException("unknown pipeline " + p + "; known: " + PIPELINES.keySet());
                }
            }
            return c;
        }
    }

    public static void main(String[] args) throws Exception {
        Config config = Config.parse(args);
        BenchTable table = new BenchTable("pipeline", "phase", "events", "seconds", "events/s", "p50 ms", "p99 ms", "max ms",
                "CPU-s", "CPU-s per 100k", "RSS MB");
        table.note("Workload: " + String.format("%,d", config.rows) + " rows loaded before start; burst of "
                + String.format("%,d", config.updates) + " updates (" + config.bursts + " times) in " + config.txRows + "-row transactions (timed from the first "
                + "commit until the target shows the last); latency phases " + config.phase.toSeconds() + " s each (first "
                + config.settle.toSeconds() + " s not sampled), paced writer at 100 tx/s plus " + config.probes
                + " probe updates/s; latency = poller's wall clock when it sees a probe version − the probe's ts_ms "
                + "(taken just before its auto-commit UPDATE, so the commit itself is included).");
        table.note("PostgreSQL 17 (harness, fastUnsafe(false): fsync and synchronous_commit on), Redis 6.2 (harness), fresh for "
                + "each pipeline; all on the same " + Runtime.getRuntime().availableProcessors() + " cores.");
        boolean failed = false;
        for (String name : config.pipelines) {
            PipelineUnderTest pipeline = PIPELINES.get(name).get();
            table.note(pipeline.describe());
            table.note(name + ": load average before start " + loadAverage());
            try {
                run(pipeline, config, table);
            } catch (Exception | AssertionError e) {
                failed = true;
                System.err.println(name + " failed: " + e);
                e.printStackTrace();
                table.row(name, "FAILED: " + e.getMessage(), "", "", "", "", "", "", "", "", "");
            }
        }
        System.out.println();
        System.out.println(table.markdown());
        System.exit(failed ? 1 : 0);
    }

    private static void run(PipelineUnderTest pipeline, Config config, BenchTable table) throws Exception {
        Path workDir = Files.createTempDirectory("tidelog-bench-sinks-");
        try (PostgresServer pg = PostgresServer.builder().name("bench-sinks-postgres").fastUnsafe(false)
                     .setting("shared_buffers", "256MB").setting("max_wal_size", "4GB").start();
             RedisServer redis = RedisServer.builder().name("bench-sinks-redis").start();
             pipeline) {
            pg.createDatabase(DB);
            Env env = new Env(pg, DB, redis, workDir, config.rows);
            long t = System.nanoTime();
            Workload.load(env);
            System.out.printf("%s: loaded %,d rows in %.1f s%n", pipeline.name(), config.rows, (System.nanoTime() - t) / 1e9);
            new Run(pipeline, env, new Workload(env), config, table).all();
        } catch (Exception | AssertionError e) {
            String details = pipeline.failureDetails();
            if (!details.isEmpty()) {
                System.err.println(details);
            }
            throw e;
        } finally {
            if (Boolean.getBoolean("tidelog.bench.keep")) {
                System.out.println(pipeline.name() + ": kept " + workDir);
            } else {
                deleteTree(workDir);
            }
        }
    }

    /** One pipeline's phases. */
    private static final class Run {

        private final PipelineUnderTest pipeline;
        private final Env env;
        private final Workload workload;
        private final Config config;
        private final BenchTable table;
        private ProcessHandle process;

        Run(PipelineUnderTest pipeline, Env env, Workload workload, Config config, BenchTable table) {
            this.pipeline = pipeline;
            this.env = env;
            this.workload = workload;
            this.config = config;
            this.table = table;
        }

        void all() throws Exception {
            startPhase();
            if (config.warmup > 0) {
                burst(config.warmup, "warm-up burst");
            }
            bursts();
            for (int rate : config.rates) {
                paced(rate);
            }
            ProcessStats end = ProcessStats.of(process);
            table.note(pipeline.name() + ": peak RSS " + ProcessStats.megabytes(end.peakRssBytes()) + " MB, total CPU "
                    + String.format("%.1f", end.cpuSeconds()) + " s" + (process.pid() == ProcessHandle.current().pid()
                    ? " (this JVM: includes the benchmark's writers and poller)" : ""));
        }

        private void startPhase() throws Exception {
            ProcessStats self = ProcessStats.of(ProcessHandle.current());
            long t0 = System.nanoTime();
            pipeline.start(env);
            process = pipeline.process();
            SinkTarget target = pipeline.target();
            long deadline = System.nanoTime() + config.timeout.toNanos();
            long[] maxSeen = {0};
            long touched = workload.touchProbe();
            long lastTouch = System.nanoTime();
            while (maxSeen[0] < 1) { // any probe update (the snapshot's row 0 has v = 0)
                check(deadline, "the first probe update to show");
                target.poll(Env.PROBE_ID, Duration.ofMillis(50), (v, ts, seen) -> maxSeen[0] = Math.max(maxSeen[0], v));
                if (maxSeen[0] < 1 && System.nanoTime() - lastTouch > 250_000_000L) {
                    touched = workload.touchProbe();
                    lastTouch = System.nanoTime();
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            while (maxSeen[0] < touched) { // drain the other touches before the first phase marks the target
                check(deadline, "the last probe update to show");
                target.poll(Env.PROBE_ID, Duration.ofMillis(100), (v, ts, seen) -> maxSeen[0] = Math.max(maxSeen[0], v));
            }
            ProcessStats after = ProcessStats.of(process);
            double cpu = process.pid() == ProcessHandle.current().pid() ? after.cpuSince(self) : after.cpuSeconds();
            table.row(pipeline.name(), String.format("start → streaming (%,d rows in the table)", config.rows), "", BenchTable.seconds(seconds),
                    "", "", "", "", String.format("%.1f", cpu), "", ProcessStats.megabytes(after.rssBytes()));
        }

        /** One burst: seconds from the first commit until the target showed the last, the pipeline's CPU, RSS after. */
        private record BurstRound(long updates, double seconds, double cpu, double writerRate, long rss) {
            double rate() {
                return updates / seconds;
            }
        }

        private BurstRound burst(long updates, String label) throws Exception {
            SinkTarget target = pipeline.target();
            target.mark();
            ProcessStats before = ProcessStats.of(process);
            FutureTask<Workload.Burst> writer = new FutureTask<>(() -> workload.burst(updates, config.txRows));
            Thread thread = new Thread(writer, "bench-burst-writer");
            thread.start();
            Workload.Burst burst;
            try {
                burst = writer.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("burst writer failed: " + e.getCause(), e.getCause());
            }
            long deadline = System.nanoTime() + config.timeout.toNanos();
            while (!target.caughtUp(burst.expectation())) {
                check(deadline, "the burst's last transaction to show");
                LockSupport.parkNanos(1_000_000);
            }
            long end = System.nanoTime();
            ProcessStats after = ProcessStats.of(process);
            BurstRound round = new BurstRound(updates, (end - burst.firstCommitNanos()) / 1e9, after.cpuSince(before),
                    updates * 1e9 / Math.max(1, burst.lastCommitNanos() - burst.firstCommitNanos()), after.rssBytes());
            System.out.printf("  %s | %s | %,d | %.2f s | %s/s | writer %s rows/s | CPU %.1f s%n", pipeline.name(), label, updates,
                    round.seconds(), BenchTable.rate(round.rate()), BenchTable.rate(round.writerRate()), round.cpu());
            return round;
        }

        /** {@code bursts} timed bursts; the table shows the median round, the note all of them. */
        private void bursts() throws Exception {
            List<BurstRound> rounds = new ArrayList<>();
            for (int i = 1; i <= config.bursts; i++) {
                rounds.add(burst(config.updates, "burst " + i + "/" + config.bursts));
            }
            List<BurstRound> sorted = new ArrayList<>(rounds);
            sorted.sort(Comparator.comparingDouble(BurstRound::rate));
            BurstRound m = sorted.get(sorted.size() / 2);
            table.row(pipeline.name(), String.format("burst, %,d rows/tx (median of %d)", config.txRows, rounds.size()),
                    BenchTable.count(m.updates()), BenchTable.seconds(m.seconds()), BenchTable.rate(m.rate()), "", "", "",
                    String.format("%.1f", m.cpu()), String.format("%.2f", m.cpu() / m.updates() * 100_000), ProcessStats.megabytes(m.rss()));
            table.note(pipeline.name() + ": bursts at " + rounds.stream().map(r -> BenchTable.rate(r.rate())).collect(Collectors.joining(", "))
                    + " events/s; the writer committed at " + rounds.stream().map(r -> BenchTable.rate(r.writerRate()))
                    .collect(Collectors.joining(", ")) + " rows/s");
        }

        private void paced(int rate) throws Exception {
            SinkTarget target = pipeline.target();
            target.mark();
            ProcessStats before = ProcessStats.of(process);
            int rowsPerTx = Math.max(1, rate / 100);
            long measureFrom = System.currentTimeMillis() + config.settle.toMillis();
            Workload.PacedWriter load = workload.new PacedWriter(rate, rowsPerTx, config.phase);
            Workload.ProbeWriter probes = workload.new ProbeWriter(config.probes, measureFrom);
            Thread loadThread = new Thread(load, "bench-paced-writer");
            Thread probeThread = new Thread(probes, "bench-probe-writer");
            Latencies latencies = new Latencies();
            Set<Long> seenVersions = new HashSet<>();
            long[] maxSeen = {0};
            SinkTarget.VersionListener listener = (v, ts, seenAt) -> {
                maxSeen[0] = Math.max(maxSeen[0], v);
                if (ts >= measureFrom && seenVersions.add(v)) {
                    latencies.add(seenAt - ts);
                }
            };
            loadThread.start();
            probeThread.start();
            try {
                long deadline = System.nanoTime() + config.phase.toNanos() + config.timeout.toNanos();
                while (loadThread.isAlive()) {
                    check(deadline, "the paced phase to end");
                    if (probes.failure() != null) {
                        throw new IllegalStateException("probe writer failed: " + probes.failure(), probes.failure());
                    }
                    target.poll(Env.PROBE_ID, Duration.ofMillis(100), listener);
                }
            } finally {
                load.stop();
                probes.stop();
                loadThread.join();
                probeThread.join();
            }
            if (load.failure() != null) {
                throw new IllegalStateException("paced writer failed: " + load.failure(), load.failure());
            }
            long last = probes.lastVersion();
            long drainDeadline = System.nanoTime() + config.timeout.toNanos();
            long drainStart = System.nanoTime();
            while (maxSeen[0] < last) {
                check(drainDeadline, "the last probe to show");
                target.poll(Env.PROBE_ID, Duration.ofMillis(100), listener);
            }
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            ProcessStats after = ProcessStats.of(process);
            double cpu = after.cpuSince(before);
            long events = load.rows() + probes.sent();
            table.row(pipeline.name(), String.format("paced %,d rows/s (%d rows/tx)", rate, rowsPerTx), BenchTable.count(events),
                    BenchTable.seconds(load.seconds()), BenchTable.rate(load.rows() / load.seconds()),
                    Latencies.format(latencies.percentile(0.50)), Latencies.format(latencies.percentile(0.99)),
                    Latencies.format(latencies.max()), String.format("%.1f", cpu), String.format("%.2f", cpu / events * 100_000),
                    ProcessStats.megabytes(after.rssBytes()));
            table.note(String.format("%s at %,d/s: %,d of %,d probes sampled; probe commit p50 %.1f ms, p99 %.1f ms; "
                            + "paced writer at most %.1f ms late; drained in %.2f s", pipeline.name(), rate, latencies.size(),
                    probes.sentMeasured(), probes.commitMicros().percentile(0.5) / 1000.0,
                    probes.commitMicros().percentile(0.99) / 1000.0, load.maxLateMillis(), drainSeconds));
        }

        private void check(long deadline, String what) {
            if (process.pid() != ProcessHandle.current().pid() && !process.isAlive()) {
                throw new IllegalStateException(pipeline.name() + "'s process exited while waiting for " + what);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + config.timeout.toSeconds() + " s waiting for " + what);
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private SinkBenchmark() {
    }
}
