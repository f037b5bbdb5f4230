package io.tidelog.sink.opensearch;

import io.tidelog.sink.ChangeVersion;
import io.tidelog.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpEntity;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The NDJSON body of one {@code _bulk} request being built, and the records it holds, in order — the
 * n-th record is the n-th item of the response. Per record an action line, and for an upsert the
 * document line:
 * <pre>
 * {"index":{"_index":"public.customers","_id":"42","version":23803560,"version_type":"external_gte"}}
 * {"id":42,"name":"Ada","_tidelog":{"version":"23803560/23803720","op":"u","commit_ts":1700000023803}}
 * {"delete":{"_index":"public.customers","_id":"7","version":23803560,"version_type":"external_gte"}}
 * </pre>
 * The version is the record's {@link ChangeVersion#major() major}; a record without a version gets
 * neither {@code version} nor {@code version_type} (last write wins). The document is {@code after} with
 * the {@value OpenSearchSink#META_FIELD} object appended (a column of that name is replaced by it).
 *
 * <p>One buffer and one generator serve every request of the sink's life; {@link #reset()} empties
 * them, so building a body allocates nothing per record beyond the {@code _id}. Not thread-safe: the
 * sink's runner thread only.
 */
final class BulkBody implements AutoCloseable {

    static final ContentType NDJSON = ContentType.create("application/x-ndjson");

    /** Root values separated by nothing: the body writes its own line breaks. */
    private static final JsonMapper JSON = JsonMapper.builder(
            JsonFactory.builder().rootValueSeparator((String) null).build()).build();

    private final int maxActions;
    private final int maxBytes;
    private final Buffer bytes = new Buffer();
    private final JsonGenerator json = JSON.createGenerator(bytes);
    private final List<SinkRecord> records = new ArrayList<>();

    BulkBody(int maxActions, int maxBytes) {
        this.maxActions = maxActions;
        this.maxBytes = maxBytes;
    }

    /**
     * Appends the record's lines, unless the body is full: it holds {@code maxActions} records, or it holds
     * some and this record would take it past {@code maxBytes}. A first record is always taken, however
     * large.
     *
     * @return whether the record was appended; if not, the body is unchanged
     */
    boolean tryAppend(SinkRecord record, String index, String id) {
        if (records.size() >= maxActions) {
            return false;
        }
        int mark = bytes.size();
        writeAction(record, index, id);
        if (!record.isDelete()) {
            writeDocument(record);
        }
        json.flush();
        if (!records.isEmpty() && bytes.size() > maxBytes) {
            bytes.truncate(mark);
            return false;
        }
        records.add(record);
        return true;
    }

    private void writeAction(SinkRecord record, String index, String id) {
        json.writeStartObject();
        json.writeName(record.isDelete() ? "delete" : "index");
        json.writeStartObject();
        json.writeStringProperty("_index", index);
        json.writeStringProperty("_id", id);
        if (record.version() != null) {
            json.writeNumberProperty("version", record.version().major());
            json.writeStringProperty("version_type", "external_gte");
        }
        json.writeEndObject();
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private void writeDocument(SinkRecord record) {
        json.writeStartObject();
        for (Map.Entry<String, JsonNode> field : record.after().properties()) {
            if (!field.getKey().equals(OpenSearchSink.META_FIELD)) {
                json.writeName(field.getKey());
                json.writeTree(field.getValue());
            }
        }
        json.writeName(OpenSearchSink.META_FIELD);
        json.writeStartObject();
        if (record.version() != null) {
            json.writeStringProperty("version", record.version().toString());
        }
        json.writeStringProperty("op", String.valueOf(record.op().code()));
        json.writeNumberProperty("commit_ts", record.commitTime());
        json.writeEndObject();
        json.writeEndObject();
        json.writeRaw('\n');
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    /** The records in the body, in order; a view, valid until {@link #reset()}. */
    List<SinkRecord> records() {
        return Collections.unmodifiableList(records);
    }

    int sizeBytes() {
        return bytes.size();
    }

    /** The body as a request entity over the buffer itself (no copy); valid until {@link #reset()}. */
    HttpEntity entity() {
        return new ByteArrayEntity(bytes.array(), 0, bytes.size(), NDJSON);
    }

    /** The body as text, for tests and logs. */
    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Empties the body, keeping its buffer. */
    void reset() {
        bytes.reset();
        records.clear();
    }

    @Override
    public void close() {
        json.close();
    }

    /** A byte buffer that exposes its array and can drop a tail. */
    private static final class Buffer extends ByteArrayOutputStream {

        Buffer() {
            super(64 * 1024);
        }

        byte[] array() {
            return buf;
        }

        void truncate(int size) {
            count = size;
        }
    }
}
