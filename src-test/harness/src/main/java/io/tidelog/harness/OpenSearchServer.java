package io.tidelog.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real OpenSearch {@value #VERSION} node (the {@code integ-test-zip} distribution: no security
 * plugin, plain HTTP) forming a single-node cluster on 127.0.0.1, running on this JVM's Java.
 *
 * <p>The distribution comes from Maven as a zip, which is never on a class path: the build hands its
 * location in the local repository to the tests as {@code -Dtidelog.harness.opensearch.zip}
 * ({@code dependency:properties} plus a failsafe system property, as in the harness's own pom). Without
 * that property the fixture looks in the local repository, then fails naming the artifact.
 * Disk-based shard allocation is off, so a nearly full disk cannot turn indices read-only mid-test.
 *
 * <p>Lifecycle: {@link #start()} / {@link Builder#start()} unpack the distribution into a new work
 * directory, start {@code bin/opensearch} (as user 65534 when this JVM is root, since OpenSearch
 * refuses root) and return once {@code GET /} answers for <em>this</em> cluster and its health is
 * yellow or green — some 10–20 s, so tests share one node per run ({@code OpenSearchExtension}).
 * {@link #close()} sends SIGTERM, waits for the JVM, then deletes the work directory. See {@link ManagedServer}.
 *
 * <p>Thread-safety: immutable once started; all methods may be called from any thread.
 */
public final class OpenSearchServer extends RuntimeBackedServer {

    /** The distribution version this fixture is written and tested for. */
    public static final String VERSION = "2.19.6";

    private static final Logger log = LoggerFactory.getLogger(OpenSearchServer.class);
    private static final Pattern SERVING = Pattern.compile("\"status\"\\s*:\\s*\"(green|yellow)\"");

    private final int port;
    private final String clusterName;

    private OpenSearchServer(ServerRuntime runtime, int port, String clusterName) {
        super(runtime);
        this.port = port;
        this.clusterName = clusterName;
    }

    /** Starts a node with the defaults (512 MB heap). */
    public static OpenSearchServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return FreePort.HOST;
    }

    /** The HTTP port. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, the REST API. */
    public URI uri() {
        return URI.create("http://" + host() + ":" + port);
    }

    /** The cluster's name, unique to this node. */
    public String clusterName() {
        return clusterName;
    }






    @Override
    public String toString() {
        return name() + "[" + uri() + ", " + workDir() + "]";
    }

    private static OpenSearchServer start(Builder builder) {
        long begin = System.nanoTime();
        ServerRuntime runtime = ServerRuntime.create(builder.name, ProcessTree.Signal.TERM);
        try {
            OpenSearchNode node = new OpenSearchNode(runtime);
            node.prepare(OpenSearchNode.locateDistribution(builder.distribution, VERSION), builder.heapMegabytes);
            long prepared = System.nanoTime();
            String clusterName = "tidelog-" + runtime.workDir().getFileName().toString().replaceAll("[^A-Za-z0-9-]", "");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            OpenSearchServer server = FreePort.startOnFreePort(builder.port, port -> {
                node.writeSettings(builder.settings(clusterName, port, FreePort.find(), node));
                runtime.launch(node.serverCommand(), OpenSearchNode.SERVER_LOG, node::environment);
                runtime.awaitReady(builder.startTimeout, () -> serves(http, port, clusterName));
                return new OpenSearchServer(runtime, port, clusterName);
            });
            long ready = System.nanoTime();
            log.info("{}: started on {} in {} ms (unpack {} ms, node {} ms), work dir {}", builder.name, server.uri(),
                    millis(ready - begin), millis(prepared - begin), millis(ready - prepared), runtime.workDir());
            return server;
        } catch (RuntimeException | Error e) {
            runtime.close();
            throw e;
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** Readiness: {@code GET /} names this cluster, and its health is yellow or green. */
    private static boolean serves(HttpClient http, int port, String clusterName) throws IOException, InterruptedException {
        URI base = URI.create("http://" + FreePort.HOST + ":" + port);
        HttpResponse<String> root = http.send(HttpRequest.newBuilder(base.resolve("/")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (root.statusCode() != 200 || !root.body().contains("\"" + clusterName + "\"")) {
            return false;
        }
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/_cluster/health?wait_for_status=yellow&timeout=2s"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return health.statusCode() == 200 && SERVING.matcher(health.body()).find();
    }

    /**
     * Settings for one node. Not thread-safe; {@link #start()} may be called more than once, each call
     * starting a new node with the same settings.
     */
    public static final class Builder {

        private String name = "opensearch";
        private int port;
        private int heapMegabytes = 512;
        private Path distribution;
        private Duration startTimeout = Duration.ofSeconds(120);
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        /** Names the node in logs, exceptions and its work directory; {@code opensearch} by default. */
        public Builder name(String name) {
            this.name = BuilderChecks.name(name);
            return this;
        }

        /** A fixed HTTP port; by default a free one is chosen (and re-chosen if it is taken meanwhile). */
        public Builder port(int port) {
            this.port = BuilderChecks.port(port);
            return this;
        }

        /** The node's heap ({@code -Xms} and {@code -Xmx}); 512 MB by default. */
        public Builder heapMegabytes(int heapMegabytes) {
            if (heapMegabytes < 256) {
                throw new IllegalArgumentException("OpenSearch needs at least 256 MB of heap, not " + heapMegabytes);
            }
            this.heapMegabytes = heapMegabytes;
            return this;
        }

        /** Unpacks this integ-test zip instead of the one the build points at. */
        public Builder distribution(Path zip) {
            this.distribution = Objects.requireNonNull(zip);
            return this;
        }

        /** Any {@code opensearch.yml} setting, in flat form ({@code indices.query.bool.max_clause_count}); applied last. */
        public Builder setting(String key, String value) {
            settings.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout);
            return this;
        }

        public OpenSearchServer start() {
            return OpenSearchServer.start(this);
        }

        private Map<String, String> settings(String clusterName, int httpPort, int transportPort, OpenSearchNode node) {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("cluster.name", clusterName);
            all.put("node.name", name);
            all.put("discovery.type", "single-node");
            all.put("network.host", FreePort.HOST);
            all.put("http.port", Integer.toString(httpPort));
            all.put("transport.port", Integer.toString(transportPort));
            all.put("path.data", node.dataDir().toString());
            all.put("path.logs", node.logsDir().toString());
            all.put("cluster.routing.allocation.disk.threshold_enabled", "false");
            all.putAll(settings);
            return all;
        }
    }
}
