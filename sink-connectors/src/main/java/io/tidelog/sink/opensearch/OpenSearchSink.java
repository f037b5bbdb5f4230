package io.tidelog.sink.opensearch;

import io.tidelog.event.TableId;
import io.tidelog.sink.ErrorClassifier;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.RetriableSinkException;
import io.tidelog.sink.Sink;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps one OpenSearch index per table, one document per row, through the {@code _bulk} API.
 *
 * <h2>Documents</h2>
 * The index of a table is {@link OpenSearchSinkSettings#indexOf}; {@link #open} creates it when missing,
 * with the configured settings and mappings (an existing index is left as it is). The {@code _id} is the
 * row's key values joined by {@code :} ({@code 42}, {@code acme:3}), a {@code :} or {@code \} inside a
 * string value escaped with {@code \}; an id over OpenSearch's 512 bytes becomes {@code sha256:<hex>} of
 * it ({@code DocumentId}). The document is the row ({@code after}) plus a {@value #META_FIELD} object:
 * {@code version} ({@code major/minor}, keyword), {@code op} ({@code c}, {@code u} or {@code r}) and
 * {@code commit_ts} (epoch millis, date), mapped by the sink in every index it creates. A delete or
 * tombstone deletes the document.
 *
 * <h2>Idempotent and order-safe</h2>
 * Every action carries {@code version=major} with {@code version_type=external_gte}: OpenSearch applies
 * it only if the document's version is not higher, so a replayed or late record is refused with a 409,
 * which counts as written. Changes of one row in one transaction share their major and apply in log
 * order (items of one {@code _id} in one request, and successive requests, apply in order). Residuals:
 * <ul>
 *   <li>Replaying such a transaction shows its earlier change of the row until its later change is
 *       replayed (equal versions are accepted), usually within the same request.</li>
 *   <li>OpenSearch remembers the version of a deleted document only for {@code index.gc_deletes}
 *       (60 s by default). An older upsert arriving later than that after the delete re-creates the row
 *       until the delete, which follows it in the log, is replayed. Raise {@code index.gc_deletes} in
 *       {@link OpenSearchSinkSettings#indexSettings()} to cover longer replays.</li>
 *   <li>A record without a version is written last-write-wins.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * A batch goes out in as many {@code _bulk} requests as {@link OpenSearchSinkSettings#maxBulkActions()} and
 * {@link OpenSearchSinkSettings#maxBulkBytes()} require, one after the other. Item results: 409 (a newer
 * version is there) and a delete's 404 (no document) are success; 429 and 5xx
 * make {@link #write} throw a {@link RetriableSinkException} once the request's response is read (the
 * batch is retried whole; the versions make that harmless); any other 4xx returns the record as a
 * {@link Rejection} naming OpenSearch's error type and reason. A whole request that fails with a
 * connection error, a timeout ({@link OpenSearchSinkSettings#requestTimeout()}), 408, 429, 500, 502, 503
 * or 504 is retriable; any other status (400, 401, 403, 413…) is an {@link OpenSearchRequestException},
 * permanent, on which the runner splits the batch to isolate what causes it.
 *
 * <p>Single-threaded, as {@link Sink} promises: the runner's thread only.
 */
public final class OpenSearchSink implements Sink {

    /** The field of each document that carries the change's version, op and commit time. */
    public static final String META_FIELD = "_tidelog";

    /** Classifies this sink's errors; see the class comment. */
    static final ErrorClassifier CLASSIFIER = error -> {
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof OpenSearchRequestException) {
                return false;
            }
            if (t instanceof ResponseException e) {
                return ClusterClient.isRetriableStatus(e.getResponse().getStatusLine().getStatusCode());
            }
        }
        return ErrorClassifier.DEFAULT.isRetriable(error);
    };

    private static final Logger log = LoggerFactory.getLogger(OpenSearchSink.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String META_MAPPING = """
            {"properties":{"version":{"type":"keyword"},"op":{"type":"keyword"},
             "commit_ts":{"type":"date","format":"epoch_millis"}}}""";

    private final OpenSearchSinkSettings settings;
    private final Map<TableId, String> indices = new HashMap<>();
    private ClusterClient client;
    private BulkBody body;
    private long bulkRequests;
    private boolean closed;

    public OpenSearchSink(OpenSearchSinkSettings settings) {
        this.settings = settings;
    }

    /**
     * Connects and creates the index of each table that has none yet. May be called again after it failed
     * (the runner retries it); the client made by the first call is kept.
     */
    @Override
    public void open(SinkContext context) throws RetriableSinkException, OpenSearchRequestException {
        if (closed) {
            throw new IllegalStateException("OpenSearch sink " + context.sinkName() + " is closed");
        }
        if (client == null) {
            client = new ClusterClient(settings);
            body = new BulkBody(settings.maxBulkActions(), settings.maxBulkBytes());
        }
        String indexBody = indexBody();
        for (TableId table : context.tables()) {
            String index = index(table);
            if (client.createIndex(index, indexBody)) {
                log.info("created index {}", index);
            }
        }
        log.info("OpenSearch sink {} opened on {} for {} table(s)", context.sinkName(), settings.urls(),
                context.tables().size());
    }

    @Override
    public List<Rejection> write(List<SinkRecord> batch) throws RetriableSinkException, OpenSearchRequestException {
        requireOpen();
        List<Rejection> rejected = new ArrayList<>();
        body.reset();
        try {
            for (SinkRecord record : batch) {
                String index;
                try {
                    index = index(record.table());
                } catch (IllegalArgumentException e) {
                    rejected.add(new Rejection(record, e.getMessage()));
                    continue;
                }
                String problem = problem(record);
                if (problem != null) {
                    rejected.add(new Rejection(record, problem));
                    continue;
                }
                String id = DocumentId.of(record.key());
                if (!body.tryAppend(record, index, id)) {
                    send(rejected);
                    body.reset();
                    body.tryAppend(record, index, id); // an empty body takes any record
                }
            }
            if (!body.isEmpty()) {
                send(rejected);
            }
        } finally {
            body.reset();
        }
        return rejected;
    }

    /**
     * Nothing to do: a bulk response is sent only once its writes are in the translog, which
     * {@code index.translog.durability=request} (the default) fsyncs before answering. With
     * {@link OpenSearchSinkSettings#refresh()} each bulk call has already waited for visibility too.
     */
    @Override
    public void flush() {
        requireOpen();
    }

    @Override
    public ErrorClassifier classifier() {
        return CLASSIFIER;
    }

    /** Closes the client; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (body != null) {
            body.close();
        }
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                log.warn("closing the OpenSearch client failed: {}", e.toString());
            }
        }
    }

    /** How many {@code _bulk} requests this sink has sent. */
    long bulkRequests() {
        return bulkRequests;
    }

    /** Sends the body and sorts its items; throws after reading the response if any item may succeed later. */
    private void send(List<Rejection> rejected) throws RetriableSinkException, OpenSearchRequestException {
        List<SinkRecord> records = body.records();
        Request request = new Request("POST", "/_bulk");
        request.addParameter("filter_path", BulkResponseReader.FILTER_PATH);
        if (settings.refresh()) {
            request.addParameter("refresh", "wait_for");
        }
        request.setEntity(body.entity());
        String what = "bulk of " + records.size() + " actions (" + body.sizeBytes() + " bytes)";
        bulkRequests++;
        long start = System.nanoTime();
        JsonNode response = client.perform(request, what);
        BulkResponseReader.Outcome outcome;
        try {
            outcome = BulkResponseReader.read(response, records);
        } catch (IllegalStateException e) {
            throw new RetriableSinkException(what + ": " + e.getMessage(), e);
        }
        rejected.addAll(outcome.rejected());
        log.debug("{}: {} rejected, {} to retry, {} ms", what, outcome.rejected().size(), outcome.retriable(),
                (System.nanoTime() - start) / 1_000_000);
        if (outcome.retriable() > 0) {
            throw new RetriableSinkException(what + ": " + outcome.retriable() + " item(s) failed for now, first: "
                    + outcome.firstRetriable());
        }
    }

    /** The configured settings and mappings, with the mapping of {@value #META_FIELD} added unless given. */
    private String indexBody() {
        ObjectNode body = JSON.createObjectNode();
        if (settings.indexSettings() != null) {
            body.set("settings", JSON.readTree(settings.indexSettings()));
        }
        ObjectNode mappings = settings.indexMappings() == null ? JSON.createObjectNode()
                : (ObjectNode) JSON.readTree(settings.indexMappings());
        JsonNode properties = mappings.get("properties");
        if (properties == null) {
            properties = mappings.putObject("properties");
        }
        if (properties instanceof ObjectNode props && !props.has(META_FIELD)) {
            props.set(META_FIELD, JSON.readTree(META_MAPPING));
        }
        body.set("mappings", mappings);
        return JSON.writeValueAsString(body);
    }

    /** Why this record cannot be sent at all, or null. */
    private static String problem(SinkRecord record) {
        if (record.version() != null && record.version().major() < 0) {
            return "version " + record.version() + " is beyond OpenSearch's external versions (at most 2^63-1)";
        }
        if (!record.isDelete() && record.after() == null) {
            return "an " + record.op() + " without the row (after)";
        }
        return null;
    }

    private String index(TableId table) {
        String index = indices.get(table);
        if (index == null) {
            index = settings.indexOf(table);
            indices.put(table, index);
        }
        return index;
    }

    private void requireOpen() {
        if (client == null || closed) {
            throw new IllegalStateException("OpenSearch sink is " + (closed ? "closed" : "not opened"));
        }
    }
}
