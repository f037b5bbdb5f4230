package io.tidelog.sink.opensearch;

import io.tidelog.event.TableId;
import io.tidelog.sink.NameTemplate;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How an {@link OpenSearchSink} reaches its cluster and shapes its indices. Validated when built:
 * each message names the setting at fault.
 *
 * @param urls           the cluster's nodes, {@code http://} or {@code https://} with host and port and no path;
 *                       requests are spread over them and a failing node is skipped for a while
 * @param username       basic-auth user, or null for none; given with {@code password} or not at all
 * @param password       basic-auth password, or null; never logged, masked by {@link #toString()}
 * @param indexTemplate  the index of each table, from {@code {schema}} and {@code {table}}; rendered in lower
 *                       case (OpenSearch requires it). {@code {pk}} is refused: one index holds one table
 *                       and the row is the document's {@code _id}
 * @param maxBulkActions the most records in one {@code _bulk} request
 * @param maxBulkBytes   the most bytes of NDJSON in one {@code _bulk} request; a single record larger than
 *                       this goes alone in its request
 * @param indexSettings  JSON object of index settings (e.g. {@code {"number_of_replicas":0}}), or null;
 *                       applied only when the sink creates an index that does not exist yet
 * @param indexMappings  JSON object of mappings (e.g. {@code {"properties":{"price":{"type":"integer"}}}}),
 *                       or null; applied only when the sink creates an index. The sink adds the mapping of its
 *                       own {@value OpenSearchSink#META_FIELD} field unless this one maps it
 * @param requestTimeout how long one request may wait for the connection, and for the server between two
 *                       packets of the response; a request past it fails as retriable
 * @param refresh        whether each bulk request waits until its writes are visible to search
 *                       ({@code refresh=wait_for}). For tests and benchmarks that read what they wrote: each
 *                       bulk call then lasts until the next scheduled refresh (up to
 *                       {@code index.refresh_interval}), which caps throughput. Durability does not need it
 */
public record OpenSearchSinkSettings(List<URI> urls, String username, String password, NameTemplate indexTemplate,
                                     int maxBulkActions, int maxBulkBytes, String indexSettings, String indexMappings,
                                     Duration requestTimeout, boolean refresh) {

    public static final NameTemplate DEFAULT_INDEX_TEMPLATE = NameTemplate.parse("{schema}.{table}");
    public static final int DEFAULT_MAX_BULK_ACTIONS = 1000;
    public static final int DEFAULT_MAX_BULK_BYTES = 5 << 20;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String FORBIDDEN_IN_INDEX = "\\/*?\"<>| ,#:";

    public OpenSearchSinkSettings {
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException("opensearch urls must name at least one node, e.g. http://localhost:9200");
        }
        urls = List.copyOf(urls);
        for (URI url : urls) {
            checkUrl(url);
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("opensearch username and password must be given together or not at all");
        }
        if (username != null && username.isEmpty()) {
            throw new IllegalArgumentException("opensearch username must not be empty");
        }
        if (indexTemplate == null) {
            throw new IllegalArgumentException("opensearch index-template must be given, e.g. " + DEFAULT_INDEX_TEMPLATE);
        }
        if (indexTemplate.usesKey()) {
            throw new IllegalArgumentException("opensearch index-template '" + indexTemplate + "' must not use {pk}: "
                    + "an index holds a whole table and the row's key is the document _id; use {schema} and {table}");
        }
        if (maxBulkActions < 1) {
            throw new IllegalArgumentException("opensearch max-bulk-actions must be at least 1, was " + maxBulkActions);
        }
        if (maxBulkBytes < 1) {
            throw new IllegalArgumentException("opensearch max-bulk-bytes must be at least 1, was " + maxBulkBytes);
        }
        checkJsonObject("index-settings", indexSettings);
        checkJsonObject("index-mappings", indexMappings);
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("opensearch request-timeout must be positive, was " + requestTimeout);
        }
    }

    /** A single node at {@code url}, no credentials, everything else at its default. */
    public static OpenSearchSinkSettings defaults(URI url) {
        return new OpenSearchSinkSettings(List.of(url), null, null, DEFAULT_INDEX_TEMPLATE, DEFAULT_MAX_BULK_ACTIONS,
                DEFAULT_MAX_BULK_BYTES, null, null, DEFAULT_REQUEST_TIMEOUT, false);
    }

    public OpenSearchSinkSettings withCredentials(String username, String password) {
        return new OpenSearchSinkSettings(urls, username, password, indexTemplate, maxBulkActions, maxBulkBytes,
                indexSettings, indexMappings, requestTimeout, refresh);
    }

    public OpenSearchSinkSettings withIndexTemplate(String template) {
        return new OpenSearchSinkSettings(urls, username, password, NameTemplate.parse(template), maxBulkActions,
                maxBulkBytes, indexSettings, indexMappings, requestTimeout, refresh);
    }

    public OpenSearchSinkSettings withMaxBulk(int actions, int bytes) {
        return new OpenSearchSinkSettings(urls, username, password, indexTemplate, actions, bytes, indexSettings,
                indexMappings, requestTimeout, refresh);
    }

    public OpenSearchSinkSettings withIndex(String settings, String mappings) {
        return new OpenSearchSinkSettings(urls, username, password, indexTemplate, maxBulkActions, maxBulkBytes,
                settings, mappings, requestTimeout, refresh);
    }

    public OpenSearchSinkSettings withRequestTimeout(Duration timeout) {
        return new OpenSearchSinkSettings(urls, username, password, indexTemplate, maxBulkActions, maxBulkBytes,
                indexSettings, indexMappings, timeout, refresh);
    }

    public OpenSearchSinkSettings withRefresh(boolean waitForRefresh) {
        return new OpenSearchSinkSettings(urls, username, password, indexTemplate, maxBulkActions, maxBulkBytes,
                indexSettings, indexMappings, requestTimeout, waitForRefresh);
    }

    /**
     * The index that holds {@code table}'s rows: the template rendered, in lower case.
     *
     * @throws IllegalArgumentException if that is not a valid index name (e.g. a table name with a space)
     */
    public String indexOf(TableId table) {
        String index = indexTemplate.render(table.schema(), table.table(), null).toLowerCase(Locale.ROOT);
        String problem = indexNameProblem(index);
        if (problem != null) {
            throw new IllegalArgumentException("opensearch index-template '" + indexTemplate + "' gives '" + index
                    + "' for table " + table + ", which is not a valid index name: " + problem);
        }
        return index;
    }

    /** OpenSearch's rules for index names (lower case is already given), or null when {@code index} follows them. */
    private static String indexNameProblem(String index) {
        if (index.isEmpty() || index.equals(".") || index.equals("..")) {
            return "it must not be empty, '.' or '..'";
        }
        if ("_-+".indexOf(index.charAt(0)) >= 0) {
            return "it must not start with '_', '-' or '+'";
        }
        for (int i = 0; i < index.length(); i++) {
            if (FORBIDDEN_IN_INDEX.indexOf(index.charAt(i)) >= 0) {
                return "it must not contain any of \\ / * ? \" < > | , # : or a space";
            }
        }
        if (index.getBytes(StandardCharsets.UTF_8).length > 255) {
            return "it must not be longer than 255 bytes";
        }
        return null;
    }

    /** Everything but the password. */
    @Override
    public String toString() {
        return "OpenSearchSinkSettings[urls=" + urls + ", username=" + username
                + ", password=" + (password == null ? null : "****") + ", indexTemplate=" + indexTemplate
                + ", maxBulkActions=" + maxBulkActions + ", maxBulkBytes=" + maxBulkBytes
                + ", indexSettings=" + indexSettings + ", indexMappings=" + indexMappings
                + ", requestTimeout=" + requestTimeout + ", refresh=" + refresh + "]";
    }

    private static void checkUrl(URI url) {
        if (url == null) {
            throw new IllegalArgumentException("opensearch urls must not contain null");
        }
        String scheme = url.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("opensearch url '" + url + "' must start with http:// or https://");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("opensearch url '" + url + "' has no host");
        }
        if (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/")
                || url.getRawQuery() != null || url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("opensearch url '" + url
                    + "' must be scheme://host:port only (no path, query or user info; credentials go in username/password)");
        }
    }

    private static void checkJsonObject(String setting, String json) {
        if (json == null) {
            return;
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("opensearch " + setting + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("opensearch " + setting + " must be a JSON object, was: " + json);
        }
    }
}
