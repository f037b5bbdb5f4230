package io.tidelog.sink.redis;

import io.tidelog.event.TableId;
import io.tidelog.sink.NameTemplate;
import io.tidelog.sink.SinkRecord;
import io.tidelog.sink.redis.RedisSinkSettings.Format;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Lua script behind {@link RedisSinkSettings.Mode#UPSERT} ({@code versioned-write.lua} beside
 * this class), and the keys and arguments it takes for one record. The script applies a change only
 * when its {@link io.tidelog.sink.ChangeVersion} is strictly newer than the version the row last got,
 * checking and writing atomically (Redis runs one script at a time).
 *
 * <h2>Keys</h2>
 * <pre>
 * {keyTemplate}                        the row: a JSON string or a hash (format), nothing else
 * tidelog:version:{schema}.{table}     hash: field = the row key, value = "major/minor" (ChangeVersion#toString)
 * </pre>
 * Why the version is kept in a per-table hash and not in the row's value: cache readers {@code GET}
 * or {@code HGETALL} the row key and get exactly the row, no bookkeeping field to strip or to collide
 * with a column; and the version must outlive the row — a delete removes the row key but records its
 * version, so an older upsert replayed later (after a crash or a reset of the sink's offsets) cannot
 * resurrect the row. Likewise a row key may expire (TTL) while its version stays. The price is one
 * hash field per row ever written, deleted rows included; dropping the hash resets the guard of a
 * table (for instance before a new snapshot is loaded).
 *
 * <p><b>Standalone Redis only</b> (or the master of a Sentinel set): each call touches two keys, the
 * row's and its table's version hash, which Redis Cluster would place in different slots
 * ({@code CROSSSLOT}); a hash tag would put a whole table into one slot.
 *
 * <p>Versions are unsigned 64-bit numbers, beyond the 53 bits of a Lua number, so the script compares
 * them as decimal text (longer is larger, then digit by digit). A record without a version is applied
 * unconditionally and leaves the stored version as it is. A call that fails ({@code WRONGTYPE},
 * {@code BADVERSION}) fails before writing anything.
 *
 * <p>Thread-safety: immutable.
 */
final class VersionedWriteScript {

    static final String VERSION_KEY_PREFIX = "tidelog:version:";
    static final String RESOURCE = "versioned-write.lua";
    /** The script's text, loaded once. */
    static final String TEXT = load();

    private static final JsonMapper JSON = JsonMapper.shared();

    private final NameTemplate keyTemplate;
    private final Format format;
    private final String ttlMillis;

    VersionedWriteScript(RedisSinkSettings settings) {
        this.keyTemplate = settings.keyTemplate();
        this.format = settings.format();
        this.ttlMillis = Long.toString(settings.ttl().toMillis());
    }

    /** The keys and arguments of one record's part of a call of the script. */
    record Call(String[] keys, String[] args) {
    }

    /** The part that applies {@code record}: an upsert of {@code after}, or a delete (also for a tombstone). */
    Call call(SinkRecord record) {
        String row = keyTemplate.render(record);
        String[] keys = {row, versionKey(record.table())};
        String version = record.version() == null ? "" : record.version().toString();
        String kind = format == Format.JSON ? "string" : "hash";
        List<String> values = List.of();
        if (!record.isDelete()) {
            values = format == Format.JSON ? List.of(JSON.writeValueAsString(record.after())) : hashFields(record.after());
        }
        List<String> args = new ArrayList<>(5 + values.size());
        args.addAll(List.of(record.isDelete() ? "delete" : "upsert", kind, version, ttlMillis,
                Integer.toString(values.size())));
        args.addAll(values);
        return new Call(keys, args.toArray(String[]::new));
    }

    /** One call of the script for several records, applied in this order: their keys and arguments joined. */
    static Call batch(List<Call> calls) {
        int keys = 0;
        int args = 0;
        for (Call c : calls) {
            keys += c.keys().length;
            args += c.args().length;
        }
        String[] allKeys = new String[keys];
        String[] allArgs = new String[args];
        keys = 0;
        args = 0;
        for (Call c : calls) {
            System.arraycopy(c.keys(), 0, allKeys, keys, c.keys().length);
            System.arraycopy(c.args(), 0, allArgs, args, c.args().length);
            keys += c.keys().length;
            args += c.args().length;
        }
        return new Call(allKeys, allArgs);
    }

    /** The version hash of a table: {@code tidelog:version:schema.table}. */
    static String versionKey(TableId table) {
        return VERSION_KEY_PREFIX + table;
    }

    /**
     * A row as hash fields, {@code column, value, column, value, ...}: a string column as its text,
     * any other value (number, boolean, object, array) as its JSON text; an SQL null has no field.
     */
    static List<String> hashFields(ObjectNode row) {
        List<String> fields = new ArrayList<>(row.size() * 2);
        for (Map.Entry<String, JsonNode> column : row.properties()) {
            JsonNode value = column.getValue();
            if (value.isNull() || value.isMissingNode()) {
                continue;
            }
            fields.add(column.getKey());
            fields.add(value.isString() ? value.stringValue() : JSON.writeValueAsString(value));
        }
        return fields;
    }

    private static String load() {
        try (InputStream in = VersionedWriteScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + VersionedWriteScript.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
