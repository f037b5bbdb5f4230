package io.tidelog.e2e;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one sink's target holds for the captured tables, read back through the target's own client and
 * put in comparable form: the live rows ({@link Rows}), the version the target keeps per row, and a
 * dump of everything it holds for a before/after comparison (a replay must not change a byte of it).
 * DuckDB, which needs the database file to itself, is read by {@link DuckDbContents}.
 *
 * @param sink     the sink's name, for messages
 * @param rows     the live rows, each as the log's JSON
 * @param versions table name → key → the version the target keeps for the row ({@code major/minor},
 *                 {@code " deleted"} appended where the target keeps a deleted row's version)
 * @param dump     every key, document or table row the target holds for the tables, in a stable order
 * @param problems inconsistencies inside the target itself
 */
record SinkContents(String sink, Rows rows, Map<String, Map<String, String>> versions, List<String> dump,
                    List<String> problems) {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(20);
    /** One search reads a whole index; the tables here stay well below it (asserted). */
    private static final int MAX_DOCUMENTS = 10_000;

    /**
     * The Redis sink's keys ({@code {table}:{pk}} holding the row's JSON) and version hashes
     * ({@code tidelog:version:{schema}.{table}}: field = row key, value = version); any other key in the
     * database is a problem (the sink writes nothing else, and nothing else writes to this server).
     *
     * @param tables table name → {@code schema.table}
     */
    static SinkContents redis(String sink, RedisCommands<String, String> redis, Map<String, String> tables) {
        Map<String, Map<String, JsonNode>> rows = new TreeMap<>();
        Map<String, Map<String, String>> versions = new TreeMap<>();
        List<String> dump = new ArrayList<>();
        for (Map.Entry<String, String> t : tables.entrySet()) {
            String prefix = t.getKey() + ":";
            Map<String, JsonNode> table = new TreeMap<>();
            List<String> keys = new ArrayList<>(scan(redis, prefix + "*"));
            for (int from = 0; from < keys.size(); from += 500) {
                for (KeyValue<String, String> kv : redis.mget(keys.subList(from, Math.min(keys.size(), from + 500))
                        .toArray(String[]::new))) {
                    String value = kv.getValueOrElse(null);
                    table.put(kv.getKey().substring(prefix.length()), value == null ? null : Rows.JSON.readTree(value));
                    dump.add(kv.getKey() + " = " + value);
                }
            }
            rows.put(t.getKey(), table);
            String versionKey = "tidelog:version:" + t.getValue();
            Map<String, String> tableVersions = new TreeMap<>();
            new TreeMap<>(redis.hgetall(versionKey)).forEach((field, version) -> {
                tableVersions.put(field.startsWith(prefix) ? field.substring(prefix.length()) : field, version);
                dump.add(versionKey + " " + field + " = " + version);
            });
            versions.put(t.getKey(), tableVersions);
        }
        List<String> problems = new ArrayList<>();
        for (String key : scan(redis, "*")) {
            if (tables.keySet().stream().noneMatch(t -> key.startsWith(t + ":"))
                    && tables.values().stream().noneMatch(t -> key.equals("tidelog:version:" + t))) {
                problems.add("unexpected key " + key + " (" + redis.type(key) + ")");
            }
        }
        return new SinkContents(sink, new Rows(rows), versions, dump, problems);
    }

    private static Set<String> scan(RedisCommands<String, String> redis, String pattern) {
        Set<String> keys = new TreeSet<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(1_000));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }

    /**
     * The OpenSearch sink's documents: index {@code {schema}.{table}}, {@code _id} the key, {@code _source}
     * the row plus {@code _tidelog} (whose {@code version}'s major must be the document's {@code _version}).
     *
     * @param tables table name → index
     */
    static SinkContents openSearch(String sink, HttpClient http, URI base, Map<String, String> tables)
            throws IOException, InterruptedException {
        Map<String, Map<String, JsonNode>> rows = new TreeMap<>();
        Map<String, Map<String, String>> versions = new TreeMap<>();
        List<String> dump = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> t : tables.entrySet()) {
            String index = t.getValue();
            Map<String, JsonNode> table = new TreeMap<>();
            Map<String, String> tableVersions = new TreeMap<>();
            HttpResponse<String> refresh = send(http, HttpRequest.newBuilder(base.resolve("/" + index + "/_refresh"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            if (refresh.statusCode() != 404) {
                JsonNode result = Rows.JSON.readTree(send(http, HttpRequest.newBuilder(base.resolve("/" + index
                        + "/_search?version=true&track_total_hits=true&size=" + MAX_DOCUMENTS))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{\"match_all\":{}}}"))).body());
                long total = result.path("hits").path("total").path("value").asLong(-1);
                if (total < 0 || total >= MAX_DOCUMENTS) {
                    throw new IllegalStateException(index + ": cannot read all documents in one search: " + total);
                }
                Map<String, String> byId = new TreeMap<>();
                for (JsonNode hit : result.path("hits").path("hits")) {
                    String id = hit.path("_id").asString();
                    JsonNode source = hit.path("_source").deepCopy();
                    byId.put(id, "_version " + hit.path("_version").asLong() + " " + source);
                    String version = source.path("_tidelog").path("version").asString(null);
                    if (version == null || !version.startsWith(hit.path("_version").asLong() + "/")) {
                        problems.add(index + "/" + id + ": _version " + hit.path("_version") + " is not the major of "
                                + source.path("_tidelog"));
                    }
                    ((ObjectNode) source).remove("_tidelog");
                    table.put(id, source);
                    tableVersions.put(id, version);
                }
                byId.forEach((id, doc) -> dump.add(index + "/" + id + " " + doc));
            }
            rows.put(t.getKey(), table);
            versions.put(t.getKey(), tableVersions);
        }
        return new SinkContents(sink, new Rows(rows), versions, dump, problems);
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(HTTP_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300 && response.statusCode() != 404) {
            throw new IllegalStateException(response.request().uri() + ": " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    /**
     * How the versions this target keeps differ from the versions of the log's latest records: every key
     * of the log (for a target that keeps no deleted rows, every live key) must carry its latest record's
     * version.
     *
     * @param keepsDeleted whether the target keeps a deleted row's version ({@code " deleted"} appended
     *                     for DuckDB, which marks the row; Redis keeps the bare version)
     * @param skip         table name → keys not to check (rows the target rejected)
     */
    List<String> versionDifferences(LoggedChanges log, Deletes keepsDeleted, Map<String, Set<String>> skip) {
        List<String> out = new ArrayList<>();
        log.latest().forEach((table, rows) -> {
            Map<String, String> held = versions.getOrDefault(table, Map.of());
            List<String> wrong = new ArrayList<>();
            int checked = 0;
            for (Map.Entry<String, LoggedChanges.Latest> e : new TreeMap<>(rows).entrySet()) {
                LoggedChanges.Latest latest = e.getValue();
                if (skip.getOrDefault(table, Set.of()).contains(e.getKey())
                        || latest.deleted() && keepsDeleted == Deletes.FORGOTTEN) {
                    continue;
                }
                checked++;
                String want = latest.version() + (latest.deleted() && keepsDeleted == Deletes.MARKED ? " deleted" : "");
                String got = held.get(e.getKey());
                if (!want.equals(got)) {
                    wrong.add("key " + e.getKey() + ": log " + want + ", " + sink + " " + got);
                }
            }
            if (!wrong.isEmpty()) {
                out.add(table + ": " + wrong.size() + " of " + checked + " rows not at their latest version in the log, e.g. "
                        + wrong.subList(0, Math.min(4, wrong.size())));
            }
        });
        return out;
    }

    /** What a target keeps of a deleted row. */
    enum Deletes {
        /** nothing (OpenSearch: the document is gone) */
        FORGOTTEN,
        /** its version, like any row's (Redis: the version hash keeps the field) */
        VERSION,
        /** a row marked deleted, with its version (DuckDB) */
        MARKED
    }
}
