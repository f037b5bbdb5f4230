package io.tidelog.sink.opensearch;

import io.tidelog.sink.RetriableSinkException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Locale;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * The low-level REST client, and the one place where its failures become this sink's: a connection
 * error, a timeout or a status of {@link #isRetriableStatus} is a {@link RetriableSinkException}; any other
 * error status an {@link OpenSearchRequestException}. Credentials go through the client's credentials
 * provider and are never logged; {@code https} trusts the JVM's default trust store.
 *
 * <p>Thread-safe (as {@link RestClient} is), though the sink uses it from one thread.
 */
final class ClusterClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RestClient client;

    ClusterClient(OpenSearchSinkSettings settings) {
        HttpHost[] hosts = settings.urls().stream()
                .map((URI url) -> new HttpHost(url.getHost(), url.getPort(), url.getScheme().toLowerCase(Locale.ROOT)))
                .toArray(HttpHost[]::new);
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis());
        client = RestClient.builder(hosts)
                .setRequestConfigCallback(config -> config.setConnectTimeout(timeoutMillis)
                        .setConnectionRequestTimeout(timeoutMillis).setSocketTimeout(timeoutMillis))
                .setHttpClientConfigCallback(http -> {
                    if (settings.username() != null) {
                        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                        credentials.setCredentials(AuthScope.ANY,
                                new UsernamePasswordCredentials(settings.username(), settings.password()));
                        http.setDefaultCredentialsProvider(credentials);
                    }
                    return http;
                })
                .build();
    }

    /** Whether a whole request that failed with this status may succeed later. */
    static boolean isRetriableStatus(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /**
     * Performs a request and parses its JSON answer (a missing node if it has no body).
     *
     * @param what names the request in exception messages, e.g. {@code bulk of 12 actions (3456 bytes)}
     */
    JsonNode perform(Request request, String what) throws RetriableSinkException, OpenSearchRequestException {
        Response response;
        try {
            response = client.performRequest(request);
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            JsonNode error = errorOf(e.getResponse());
            String reason = error.isMissingNode() ? e.getResponse().getStatusLine().toString()
                    : BulkResponseReader.reason(error);
            if (isRetriableStatus(status)) {
                throw new RetriableSinkException(what + " failed with HTTP " + status + ": " + reason, e);
            }
            throw new OpenSearchRequestException(what, status, error.path("type").asString(""), reason);
        } catch (IOException e) {
            throw new RetriableSinkException(what + " failed: " + e, e);
        }
        if (response.getEntity() == null) {
            return MissingNode.getInstance();
        }
        try (InputStream in = response.getEntity().getContent()) {
            return JSON.readTree(in);
        } catch (IOException | JacksonException e) {
            throw new RetriableSinkException(what + ": unreadable response: " + e.getMessage(), e);
        }
    }

    /**
     * Creates an index unless it exists.
     *
     * @return whether this call created it
     */
    boolean createIndex(String index, String body) throws RetriableSinkException, OpenSearchRequestException {
        Request request = new Request("PUT", "/" + index);
        request.setJsonEntity(body);
        try {
            perform(request, "creating index " + index);
            return true;
        } catch (OpenSearchRequestException e) {
            if (e.errorType().equals("resource_already_exists_exception")) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    /** The {@code error} object of an error response (its entity is buffered), or a missing node. */
    private static JsonNode errorOf(Response response) {
        if (response.getEntity() == null) {
            return MissingNode.getInstance();
        }
        try (InputStream in = response.getEntity().getContent()) {
            return JSON.readTree(in).path("error");
        } catch (IOException | RuntimeException e) {
            return MissingNode.getInstance();
        }
    }
}
