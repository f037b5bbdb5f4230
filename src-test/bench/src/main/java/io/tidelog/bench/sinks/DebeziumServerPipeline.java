package io.tidelog.bench.sinks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The peer: Debezium Server 3.6.0.Final, PostgreSQL (pgoutput) → one Redis stream per table, run as a
 * child JVM from the unpacked {@code debezium-server-dist} (bench/sinks.sh fetches and unpacks it once
 * into {@code ~/.cache/tidelog-bench/debezium-server}). It needs Java 21+: Temurin 25 by default, with
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
 *
 * <p>Configuration, written to {@code <workDir>/debezium-server/config/application.properties} (the
 * child's working directory, where Quarkus looks for it): {@code snapshot.mode=initial} (the 100k rows
 * are snapshotted into the stream before streaming starts; that time is part of "start → streaming"),
 * its own slot and a filtered publication, {@code poll.interval.ms=10}, {@code max.batch.size=2048},
 * JSON without schemas for key and value, the Redis sink's defaults otherwise ({@code compact} entries,
 * pipelines of 500 XADDs), offsets in Redis ({@code RedisOffsetBackingStore}) flushed after every batch
 * ({@code offset.flush.interval.ms=0}, as in the distribution's example). The heap is the JVM's default
 * (a quarter of RAM) unless {@value #JVM_OPTIONS_PROPERTY} says otherwise, as the distribution's run.sh.
 *
 * <p>System properties: {@value #HOME_PROPERTY} (the unpacked distribution), {@value #JAVA_PROPERTY}
 * (a Java 21+ launcher), {@value #JVM_OPTIONS_PROPERTY} (extra JVM options, space-separated).
 */
public final class DebeziumServerPipeline implements PipelineUnderTest {

    public static final String HOME_PROPERTY = "tidelog.bench.debezium.home";
    public static final String JAVA_PROPERTY = "tidelog.bench.debezium.java";
    public static final String JVM_OPTIONS_PROPERTY = "tidelog.bench.debezium.jvmOptions";

    static final String TOPIC_PREFIX = "tidelog_bench";
    static final String SLOT = "dbz_server_bench";
    private static final String VERSION = "3.6.0.Final";

    private final Path home;
    private final Path java;
    private final List<String> jvmOptions;
    private Process process;
    private Path logFile;
    private RedisStreamTarget target;
    private Thread shutdownHook;

    public DebeziumServerPipeline() {
        this.home = Path.of(System.getProperty(HOME_PROPERTY,
                Path.of(System.getProperty("user.home"), ".cache", "tidelog-bench", "debezium-server").toString()));
        this.java = Path.of(System.getProperty(JAVA_PROPERTY, "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"));
        String options = System.getProperty(JVM_OPTIONS_PROPERTY, "").trim();
        this.jvmOptions = options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+"));
    }

    @Override
    public String name() {
        return "debezium-server-3.6";
    }

    @Override
    public String describe() {
        return "debezium-server-3.6: Debezium Server " + VERSION + " on " + java + " ("
                + (jvmOptions.isEmpty() ? "default heap" : String.join(" ", jvmOptions)) + "), pgoutput, "
                + "snapshot.mode=initial, poll.interval.ms=10, max.batch.size=2048, JSON without schemas, "
                + "Redis stream per table (compact entries, redis.batch.size 500), offsets in Redis flushed per batch";
    }

    @Override
    public void start(Env env) throws IOException {
        Path runner = home.resolve("debezium-server-dist-" + VERSION + "-runner.jar");
        if (!Files.isRegularFile(runner)) {
            throw new IllegalStateException(runner + " not found: run bench/sinks.sh (it fetches and unpacks "
                    + "io.debezium:debezium-server-dist:" + VERSION + ":tar.gz once), or set -D" + HOME_PROPERTY);
        }
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException(java + " not found: Debezium Server needs Java 21+; set -D" + JAVA_PROPERTY);
        }
        Path workDir = Files.createDirectories(env.workDir().resolve("debezium-server"));
        Files.createDirectories(workDir.resolve("config"));
        Files.createDirectories(workDir.resolve("data"));
        Files.writeString(workDir.resolve("config").resolve("application.properties"), properties(env), StandardCharsets.UTF_8);
        logFile = workDir.resolve("debezium-server.log");

        target = new RedisStreamTarget(env.redis(), TOPIC_PREFIX + "." + Env.SCHEMA + "." + Env.TABLE);
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("--add-opens");
        command.add("java.base/java.lang=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(":", runner.toString(), home.resolve("config/lib").toString(), home.resolve("lib/*").toString()));
        command.add("io.debezium.server.Main");
        process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        Process started = process;
        shutdownHook = new Thread(() -> stop(started), "stop-debezium-server");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private String properties(Env env) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("debezium.sink.type", "redis");
        p.put("debezium.sink.redis.address", env.redis().host() + ":" + env.redis().port());
        p.put("debezium.source.connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.put("debezium.source.offset.storage", "io.debezium.storage.redis.offset.RedisOffsetBackingStore");
        p.put("debezium.source.offset.storage.redis.address", env.redis().host() + ":" + env.redis().port());
        p.put("debezium.source.offset.flush.interval.ms", "0");
        p.put("debezium.source.database.hostname", env.postgres().host());
        p.put("debezium.source.database.port", Integer.toString(env.postgres().port()));
        p.put("debezium.source.database.user", env.postgres().superuser());
        p.put("debezium.source.database.password", env.postgres().superuserPassword());
        p.put("debezium.source.database.dbname", env.database());
        p.put("debezium.source.topic.prefix", TOPIC_PREFIX);
        p.put("debezium.source.table.include.list", Env.SCHEMA + "." + Env.TABLE);
        p.put("debezium.source.plugin.name", "pgoutput");
        p.put("debezium.source.slot.name", SLOT);
        p.put("debezium.source.publication.name", SLOT);
        p.put("debezium.source.publication.autocreate.mode", "filtered");
        p.put("debezium.source.snapshot.mode", "initial");
        p.put("debezium.source.poll.interval.ms", "10");
        p.put("debezium.source.max.batch.size", "2048");
        p.put("debezium.format.key", "json");
        p.put("debezium.format.value", "json");
        p.put("debezium.format.key.schemas.enable", "false");
        p.put("debezium.format.value.schemas.enable", "false");
        p.put("quarkus.http.host", "127.0.0.1");
        p.put("quarkus.http.port", Integer.toString(freePort()));
        p.put("quarkus.banner.enabled", "false");
        p.put("quarkus.log.console.json.enabled", "false"); // the distribution logs JSON otherwise
        p.put("quarkus.log.level", "INFO");
        p.put("quarkus.log.category.\"io.debezium.metrics.stats.MeasurementCollector\".level", "ERROR");
        StringBuilder sb = new StringBuilder("# written by io.tidelog.bench.sinks.DebeziumServerPipeline\n");
        p.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return sb.toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public SinkTarget target() {
        if (target == null) {
            throw new IllegalStateException("not started");
        }
        return target;
    }

    /** Entries in the stream now (for notes). */
    long streamLength() {
        return target.length();
    }

    @Override
    public ProcessHandle process() {
        if (process == null) {
            throw new IllegalStateException("not started");
        }
        return process.toHandle();
    }

    @Override
    public String failureDetails() {
        if (logFile == null || !Files.exists(logFile)) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return "last lines of " + logFile + (process != null && !process.isAlive() ? " (exited " + process.exitValue() + ")" : "")
                    + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "cannot read " + logFile + ": " + e;
        }
    }

    @Override
    public void close() {
        if (target != null) {
            try {
                target.close();
            } catch (RuntimeException e) {
                System.err.println("closing the Redis reader: " + e);
            }
            target = null;
        }
        if (process != null) {
            stop(process);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
            process = null;
        }
    }

    /** SIGTERM (Quarkus shuts down cleanly), then SIGKILL for the process and any descendants after 30 s. */
    private static void stop(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                System.err.println("Debezium Server ignored SIGTERM for 30 s: killing it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.add(process.toHandle());
        for (ProcessHandle p : tree) {
            p.destroyForcibly();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
