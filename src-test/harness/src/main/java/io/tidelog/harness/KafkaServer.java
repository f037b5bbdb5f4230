package io.tidelog.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker: one KRaft node that is both broker and controller, running in a child
 * JVM (not in this one, so that a benchmark's CPU and heap figures are the client's alone), with a
 * PLAINTEXT listener on 127.0.0.1 and replication factor 1 for the internal topics.
 *
 * <p>The broker's classes come from this JVM's class path: the module using this fixture declares
 * {@code org.apache.kafka:kafka_2.13} — at the version of its {@code kafka-clients} — with test
 * scope. Starting without it fails at once with a message saying so. The broker runs as this JVM's
 * user, because it reads its jars from where this JVM does (often a root-only {@code ~/.m2}).
 * Topics are not created automatically unless {@link Builder#autoCreateTopics(boolean)} says so.
 *
 * <p>Lifecycle: {@link #start()} / {@link Builder#start()} format the storage with a random cluster
 * id ({@code kafka.tools.StorageTool}, a short-lived JVM), launch {@code kafka.Kafka} and return once
 * {@code describeCluster} reports <em>this</em> cluster — about 4 s on two cores. {@link #close()}
 * sends SIGTERM (a controlled shutdown), waits for the JVM, then deletes the work directory and all
 * topic data. See {@link ManagedServer}.
 *
 * <p>Thread-safety: all methods may be called from any thread; {@link #admin()} returns a new client
 * the caller owns.
 */
public final class KafkaServer extends RuntimeBackedServer {

    private static final Logger log = LoggerFactory.getLogger(KafkaServer.class);

    private final int port;
    private final String clusterId;

    private KafkaServer(ServerRuntime runtime, int port, String clusterId) {
        super(runtime);
        this.port = port;
        this.clusterId = clusterId;
    }

    /** Starts a broker with the defaults (512 MB heap, no automatic topic creation). */
    public static KafkaServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return FreePort.HOST;
    }

    /** The PLAINTEXT listener's port. */
    public int port() {
        return port;
    }

    /** The value for clients' {@code bootstrap.servers}, such as {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return host() + ":" + port;
    }

    /** The random cluster id the storage was formatted with. */
    public String clusterId() {
        return clusterId;
    }

    /** A new mutable client configuration holding {@code bootstrap.servers}, to add producer or consumer settings to. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(clientConfig());
    }






    @Override
    public String toString() {
        return name() + "[" + bootstrapServers() + ", " + workDir() + "]";
    }

    private static KafkaServer start(Builder builder) {
        long begin = System.nanoTime();
        ServerRuntime runtime = ServerRuntime.create(builder.name, ProcessTree.Signal.TERM, ServerUser.jvmUser());
        try {
            KafkaBroker broker = new KafkaBroker(runtime, builder.jvm);
            broker.checkClassPath();
            String clusterId = Uuid.randomUuid().toString();
            List<String> jvmOptions = broker.jvmOptions(builder.heapMegabytes);
            long[] launched = new long[1];
            KafkaServer server = FreePort.startOnFreePort(builder.port, port -> {
                broker.prepare(port, FreePort.find(), builder.settings(), clusterId, jvmOptions);
                launched[0] = System.nanoTime();
                runtime.launch(broker.serverCommand(jvmOptions), KafkaBroker.SERVER_LOG, env -> { });
                try (KafkaReadiness readiness = new KafkaReadiness(port, clusterId)) {
                    runtime.awaitReady(builder.startTimeout, readiness);
                }
                return new KafkaServer(runtime, port, clusterId);
            });
            long ready = System.nanoTime();
            log.info("{}: started on {} in {} ms (format {} ms, broker {} ms), work dir {}", builder.name,
                    server.bootstrapServers(), millis(ready - begin), millis(launched[0] - begin),
                    millis(ready - launched[0]), runtime.workDir());
            return server;
        } catch (RuntimeException | Error e) {
            runtime.close();
            throw e;
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /**
     * Settings for one broker. Not thread-safe; {@link #start()} may be called more than once, each
     * call starting a new broker (with a new cluster id) with the same settings.
     */
    public static final class Builder {

        private String name = "kafka";
        private int port;
        private int heapMegabytes = 512;
        private boolean autoCreateTopics;
        private Duration startTimeout = Duration.ofSeconds(60);
        private ChildJvm jvm = ChildJvm.onThisClassPath();
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Names the broker in logs, exceptions and its work directory; {@code kafka} by default. */
        public Builder name(String name) {
            this.name = BuilderChecks.name(name);
            return this;
        }

        /** A fixed PLAINTEXT port; by default a free one is chosen (and re-chosen if it is taken meanwhile). */
        public Builder port(int port) {
            this.port = BuilderChecks.port(port);
            return this;
        }

        /** The broker JVM's maximum heap ({@code -Xmx}); 512 MB by default. */
        public Builder heapMegabytes(int heapMegabytes) {
            if (heapMegabytes < 64) {
                throw new IllegalArgumentException("a broker needs at least 64 MB of heap, not " + heapMegabytes);
            }
            this.heapMegabytes = heapMegabytes;
            return this;
        }

        /** Sets {@code auto.create.topics.enable}; off by default, so that a misspelt topic fails loudly. */
        public Builder autoCreateTopics(boolean autoCreateTopics) {
            this.autoCreateTopics = autoCreateTopics;
            return this;
        }

        /** Any {@code server.properties} setting; applied last, so it overrides the harness's. */
        public Builder brokerProperty(String name, String value) {
            brokerProperties.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** Runs the broker on these jars instead of this JVM's class path (which must then hold kafka_2.13). */
        public Builder classPath(List<Path> classPath) {
            this.jvm = ChildJvm.onClassPath(classPath.stream().map(Path::toString).toList());
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout);
            return this;
        }

        public KafkaServer start() {
            return KafkaServer.start(this);
        }

        private Map<String, String> settings() {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
            settings.putAll(brokerProperties);
            return settings;
        }

    }
}
