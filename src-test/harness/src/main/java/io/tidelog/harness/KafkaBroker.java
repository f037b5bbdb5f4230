package io.tidelog.harness;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Prepares a single-node KRaft Kafka (broker and controller in one process) in a server's work
 * directory and builds the command lines of its child JVMs:
 * <pre>
 * workDir/
 *   classpath.args     the child JVMs' class path, as a java launcher argument file
 *   server.properties  the broker's configuration, rewritten for each launch attempt (ports)
 *   logback.xml        INFO to stdout, in case logback is the class path's slf4j binding (its default is DEBUG)
 *   data/              log.dirs: the KRaft metadata log and the topic partitions
 *   format.log         output of kafka.tools.StorageTool format
 *   kafka.log          the broker's output
 * </pre>
 * The storage is formatted once, with a random cluster id; a retry on other ports keeps it. Settings
 * are applied in order — the harness's defaults, then the caller's — so later ones win. Stateless
 * apart from the paths; used by one starting thread.
 */
final class KafkaBroker {

    static final String MAIN_CLASS = "kafka.Kafka";
    static final String STORAGE_TOOL_CLASS = "kafka.tools.StorageTool";
    static final String SERVER_LOG = "kafka.log";
    static final int NODE_ID = 1;
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);

    private final ServerRuntime runtime;
    private final ChildJvm jvm;
    private final Path classPathArgs;
    private final Path config;
    private final Path logback;
    private final Path data;

    KafkaBroker(ServerRuntime runtime, ChildJvm jvm) {
        this.runtime = runtime;
        this.jvm = jvm;
        this.classPathArgs = runtime.workDir().resolve("classpath.args");
        this.config = runtime.workDir().resolve("server.properties");
        this.logback = runtime.workDir().resolve("logback.xml");
        this.data = runtime.workDir().resolve("data");
    }

    /**
     * Fails with a hint naming the artifact unless the class path holds the broker; writes the class
     * path and the logging configuration for the child JVMs.
     */
    void checkClassPath() {
        if (!jvm.canLoad(MAIN_CLASS)) {
            throw runtime.failure(MAIN_CLASS + " is not on the class path of this JVM; add "
                    + "org.apache.kafka:kafka_2.13 (the version of kafka-clients, test scope) to the module's dependencies", null);
        }
        try {
            jvm.writeArgumentFile(classPathArgs);
            Files.writeString(logback, String.join("\n",
                    "<configuration>",
                    "  <appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                    "    <encoder><pattern>%d{HH:mm:ss.SSS} [%thread] %level %logger - %msg%n</pattern></encoder>",
                    "  </appender>",
                    "  <root level=\"INFO\"><appender-ref ref=\"out\"/></root>",
                    "</configuration>",
                    ""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw runtime.failure("cannot write the child JVMs' class path and logging files: " + e, e);
        }
    }

    /**
     * Options for both child JVMs: the heap, and INFO logging to stdout whether the class path's slf4j
     * binding is slf4j-simple or logback — not the test's own logging settings. No garbage collector:
     * the tool and the broker choose their own.
     */
    List<String> jvmOptions(int heapMegabytes) {
        return List.of("-Xmx" + heapMegabytes + "m", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + logback,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info",
                "-Dorg.slf4j.simpleLogger.log.kafka=info", "-Dorg.slf4j.simpleLogger.showDateTime=true");
    }

    /** The broker configuration for these ports: harness defaults, then {@code settings}. */
    static Map<String, String> configuration(int brokerPort, int controllerPort, Path data, Map<String, String> settings) {
        String broker = FreePort.HOST + ":" + brokerPort;
        String controller = FreePort.HOST + ":" + controllerPort;
        Map<String, String> config = new LinkedHashMap<>();
        config.put("node.id", Integer.toString(NODE_ID));
        config.put("process.roles", "broker,controller");
        config.put("listeners", "PLAINTEXT://" + broker + ",CONTROLLER://" + controller);
        config.put("advertised.listeners", "PLAINTEXT://" + broker);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("controller.quorum.voters", NODE_ID + "@" + controller);
        config.put("log.dirs", data.toString());
        config.put("num.partitions", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.putAll(settings);
        return config;
    }

    /**
     * Writes {@code server.properties} for these ports and formats the storage if it is not yet.
     * {@code jvmOptions} must not choose a garbage collector: the tool and the broker pick their own.
     */
    void prepare(int brokerPort, int controllerPort, Map<String, String> settings, String clusterId, List<String> jvmOptions) {
        Properties properties = new Properties();
        properties.putAll(configuration(brokerPort, controllerPort, data, settings));
        try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            properties.store(writer, "written by tidelog-harness");
        } catch (IOException e) {
            throw runtime.failure("cannot write " + config + ": " + e, e);
        }
        if (!Files.exists(data.resolve("meta.properties"))) {
            // A short-lived JVM: C1 only and a serial collector start faster.
            List<String> toolOptions = new ArrayList<>(jvmOptions);
            toolOptions.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
            runtime.runTool(ChildJvm.command(classPathArgs, toolOptions, STORAGE_TOOL_CLASS,
                    List.of("format", "--cluster-id", clusterId, "--config", config.toString())),
                    "format.log", FORMAT_TIMEOUT, env -> { });
        }
    }

    /** The command that runs the broker in the foreground, with Kafka's own collector settings. */
    List<String> serverCommand(List<String> jvmOptions) {
        List<String> serverOptions = new ArrayList<>(jvmOptions);
        serverOptions.addAll(List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35"));
        return ChildJvm.command(classPathArgs, serverOptions, MAIN_CLASS, List.of(config.toString()));
    }
}
