package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.tidelog.harness.junit.OpenSearchExtension;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Every test here shares the run's one node; only the last one starts a second, to watch it close. */
@ExtendWith(OpenSearchExtension.class)
class OpenSearchServerIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void answersOnLoopbackAsTheUnprivilegedUserWhenTheJvmIsRoot(OpenSearchServer opensearch) throws Exception {
        HttpResponse<String> root = send(opensearch, "GET", "/", null);

        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).contains("\"number\" : \"" + OpenSearchServer.VERSION + "\"")
                .contains("\"cluster_name\" : \"" + opensearch.clusterName() + "\"");
        assertThat(opensearch.uri().toString()).isEqualTo("http://127.0.0.1:" + opensearch.port());
        int owner = (Integer) Files.getAttribute(Path.of("/proc", Long.toString(opensearch.processHandle().pid())), "unix:uid");
        assertThat(owner).isEqualTo(ServerUser.forServers().dropsPrivileges() ? ServerUser.UNPRIVILEGED_ID
                : (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        assertThat(opensearch.processHandle().info().commandLine().orElse(""))
                .contains("org.opensearch.bootstrap.OpenSearch").contains("-Xmx512m");
    }

    @Test
    void indexesWithExternalGteVersionsAndSearches(OpenSearchServer opensearch) throws Exception {
        String index = "orders-" + UUID.randomUUID();
        assertThat(send(opensearch, "PUT", "/" + index,
                "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}").statusCode()).isEqualTo(200);

        assertThat(put(opensearch, index, 5, "first").statusCode()).as("new document").isEqualTo(201);
        assertThat(put(opensearch, index, 3, "stale").statusCode()).as("older version").isEqualTo(409);
        assertThat(put(opensearch, index, 5, "replayed").statusCode()).as("same version, gte").isEqualTo(200);
        assertThat(send(opensearch, "POST", "/" + index + "/_refresh", null).statusCode()).isEqualTo(200);

        HttpResponse<String> hits = send(opensearch, "POST", "/" + index + "/_search",
                "{\"version\":true,\"query\":{\"match\":{\"note\":\"replayed\"}}}");
        assertThat(hits.statusCode()).isEqualTo(200);
        assertThat(hits.body()).contains("\"total\":{\"value\":1,").contains("\"_id\":\"42\"").contains("\"_version\":5");
        assertThat(send(opensearch, "POST", "/" + index + "/_search", "{\"query\":{\"match\":{\"note\":\"stale\"}}}").body())
                .contains("\"total\":{\"value\":0,");
        assertThat(send(opensearch, "DELETE", "/" + index, null).statusCode()).isEqualTo(200);
    }

    @Test
    void theRunsNodeIsClosedWhenTheRunEndsLeavingNothing() {
        Sample.seen = null;

        EngineTestKit.engine("junit-jupiter").selectors(selectClass(Sample.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));

        OpenSearchServer seen = Sample.seen;
        assertThat(seen).isNotNull();
        assertThat(seen.isRunning()).isFalse();
        assertThat(seen.processHandle().isAlive()).isFalse();
        assertThat(seen.workDir()).doesNotExist();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains(seen.workDir().toString())).orElse(false)).collect(Collectors.toList())).isEmpty();
    }

    /** A run of its own (through the {@link EngineTestKit} above): both tests get the same node. */
    @ExtendWith(OpenSearchExtension.class)
    static class Sample {

        static volatile OpenSearchServer seen;

        @Test
        void first(OpenSearchServer opensearch) {
            remember(opensearch);
        }

        @Test
        void second(OpenSearchServer opensearch) {
            remember(opensearch);
        }

        private static synchronized void remember(OpenSearchServer opensearch) {
            assertThat(opensearch.isRunning()).isTrue();
            assertThat(seen == null || seen == opensearch).as("one node per run").isTrue();
            seen = opensearch;
        }
    }

    private static HttpResponse<String> put(OpenSearchServer opensearch, String index, long version, String note)
            throws IOException, InterruptedException {
        return send(opensearch, "PUT", "/" + index + "/_doc/42?version=" + version + "&version_type=external_gte",
                "{\"note\":\"" + note + "\"}");
    }

    static HttpResponse<String> send(OpenSearchServer opensearch, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(opensearch.uri().resolve(path)).header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
