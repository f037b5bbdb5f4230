package io.tidelog.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * Readiness of a starting broker: {@code describeCluster} answers with <em>this</em> cluster's id and
 * lists the broker. Until the port accepts connections it only tries to connect — an admin client
 * pointed at a closed port logs a warning per attempt. The admin client, once created, is reused
 * across probes and closed by {@link #close()}. Used by the one starting thread.
 */
final class KafkaReadiness implements ServerRuntime.ReadinessProbe, AutoCloseable {

    private static final int TIMEOUT_MS = 2_000;

    private final int port;
    private final String clusterId;
    private Admin admin;

    KafkaReadiness(int port, String clusterId) {
        this.port = port;
        this.clusterId = clusterId;
    }

    @Override
    public boolean isReady() throws Exception {
        if (admin == null) {
            if (!accepts()) {
                return false;
            }
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, FreePort.HOST + ":" + port,
                    AdminClientConfig.CLIENT_ID_CONFIG, "tidelog-harness-readiness",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                    AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
                    AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50));
        }
        DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS));
        return clusterId.equals(cluster.clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                && cluster.nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).stream().anyMatch(n -> n.id() == KafkaBroker.NODE_ID);
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(FreePort.HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(5));
        }
    }
}
