package io.tidelog.service.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.log.TopicPartition;
import io.tidelog.sink.runner.SinkRunner;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of malformed or hostile admin requests — bad JSON, wrong types, unknown fields, huge
 * bodies, path traversal and SQL in names, wrong methods and media types, bad or missing tokens —
 * each answered 4xx (never 5xx), and none changes anything: sink states, committed offsets, dead
 * letters, the log's topics and offsets are the same afterwards.
 */
class AdminFuzzIT extends AdminItSupport {

    private static final String AUTH = "Bearer " + TOKEN;
    private static final String JSON_TYPE = "application/json";

    /** One request: how to send it. {@code chunked}: the body without a Content-Length. */
    record Probe(String method, String path, byte[] body, String contentType, String authorization, boolean chunked) {

        static Probe of(String method, String path, String body) {
            return new Probe(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                    body == null ? null : JSON_TYPE, AUTH, false);
        }

        @Override
        public String toString() {
            String b = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            return method + " " + path + " " + (b.length() > 80 ? b.substring(0, 80) + "…(" + b.length() + ")" : b)
                    + (authorization == AUTH ? "" : " auth=" + authorization) + (chunked ? " chunked" : "")
                    + (contentType == null || contentType.equals(JSON_TYPE) ? "" : " type=" + contentType);
        }
    }

    /** What must not change. */
    record State(Map<String, String> sinkStates, Map<String, Map<TopicPartition, Long>> committed,
                 Map<String, Long> deadLetters, Set<String> topics, Map<TopicPartition, Long> tableEnds) {
    }

    @Test
    void hostileRequestsAreAll4xxAndChangeNothing() throws Exception {
        List<Probe> probes = probes();
        assertThat(probes).hasSizeGreaterThanOrEqualTo(200);
        State before = state();

        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> byStatus = new HashMap<>();
        for (Probe p : probes) {
            int status;
            String body;
            try {
                HttpResponse<String> r = send(p);
                status = r.statusCode();
                body = r.body();
            } catch (java.io.IOException e) {
                failures.add(p + " -> " + e);
                continue;
            }
            byStatus.merge(status, 1, Integer::sum);
            if (status < 400 || status >= 500) {
                failures.add(p + " -> " + status + " " + body);
            }
            if (body != null && (body.contains(TOKEN) || body.contains(pg.superuserPassword()))) {
                failures.add(p + " -> a secret in the answer");
            }
        }

        assertThat(failures).as("answers other than 4xx (statuses seen: %s)", byStatus).isEmpty();
        assertThat(state()).as("nothing changed").isEqualTo(before);
    }

    private HttpResponse<String> send(Probe p) throws Exception {
        HttpRequest.BodyPublisher publisher = p.body() == null ? HttpRequest.BodyPublishers.noBody()
                : p.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(p.body()))
                : HttpRequest.BodyPublishers.ofByteArray(p.body());
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(p.path())).timeout(Duration.ofSeconds(60)).method(p.method(), publisher);
        if (p.authorization() != null) {
            b.header("Authorization", p.authorization());
        }
        if (p.contentType() != null) {
            b.header("Content-Type", p.contentType());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private State state() {
        Map<String, String> states = new HashMap<>();
        Map<String, Map<TopicPartition, Long>> committed = new HashMap<>();
        Map<String, Long> dead = new HashMap<>();
        for (SinkRunner r : fleet.runners()) {
            states.put(r.name(), r.state().name());
            committed.put(r.name(), committed(r.name()));
            dead.put(r.name(), r.deadLetterCount());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (int p = 0; p < changeLog.topicConfig(TOPIC).partitions(); p++) {
            ends.put(new TopicPartition(TOPIC, p), changeLog.endOffset(new TopicPartition(TOPIC, p)));
        }
        return new State(states, committed, dead, new TreeSet<>(changeLog.topics()), ends);
    }

    private static List<Probe> probes() {
        List<Probe> probes = new ArrayList<>();
        String t = "\"" + TOPIC + "\"";

        // Hostile sink names on every sink endpoint (valid bodies: only the name can be wrong).
        List<String> names = List.of("..%2F..%2Fetc%2Fpasswd", "..%2F", "%2e%2e", "%2e%2e%2fstatus", "..%5c..%5cwin.ini",
                "cache%27%3B%20DROP%20TABLE%20admin_items%3B--", "cache%22%20OR%20%221%22%3D%221", "1%20OR%201%3D1",
                "CACHE", "Cache", "cache%00", "cache%20", "%20cache", "x".repeat(300), "cache.json", "-cache", "_cache",
                "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%E2%80%AEcache", "cache%0d%0aX-Injected:%201", "%25", "nope",
                "cache*", "$(id)", "ca%2Fche");
        for (String n : names) {
            String base = "/admin/sinks/" + n;
            probes.add(Probe.of("GET", base, null));
            probes.add(Probe.of("POST", base + "/pause", null));
            probes.add(Probe.of("POST", base + "/resume", null));
            probes.add(Probe.of("POST", base + "/reset", "{\"to\":\"earliest\"}"));
            probes.add(Probe.of("GET", base + "/dlq", null));
            probes.add(Probe.of("POST", base + "/dlq/retry", null));
        }

        // Malformed or invalid reset bodies for a real sink.
        List<String> resets = List.of("", " ", "{", "}", "[]", "null", "\"earliest\"", "1", "true", "{\"to\":}",
                "{\"to\":\"earliest\",}", "{\"to\":\"earliest\"}{}", "{\"to\":\"earliest\"} x",
                "{\"to\":\"earliest\",\"to\":\"latest\"}", "{'to':'earliest'}", "{to:\"earliest\"}", "{\"to\":\"EARLIEST\"}",
                "{\"to\":\"earliest \"}", "{\"to\":1}", "{\"to\":0}", "{\"to\":true}", "{\"to\":null}", "{\"to\":[\"earliest\"]}",
                "{\"to\":{\"kind\":\"earliest\"}}", "{\"to\":\"earliest\",\"extra\":1}", "{\"to\":\"earliest\",\"__proto__\":{}}",
                "{\"To\":\"earliest\"}", "{\"to\":\"earliest\",\"timestamp\":\"2024-01-01T00:00:00Z\"}",
                "{\"to\":\"latest\",\"offsets\":{}}", "{\"to\":\"timestamp\"}", "{\"to\":\"timestamp\",\"timestamp\":null}",
                "{\"to\":\"timestamp\",\"timestamp\":\"yesterday\"}", "{\"to\":\"timestamp\",\"timestamp\":1700000000000}",
                "{\"to\":\"timestamp\",\"timestamp\":\"2024-13-45T99:00:00Z\"}", "{\"to\":\"timestamp\",\"timestamp\":\"2024-01-01\"}",
                "{\"to\":\"offsets\"}", "{\"to\":\"offsets\",\"offsets\":{}}", "{\"to\":\"offsets\",\"offsets\":[]}",
                "{\"to\":\"offsets\",\"offsets\":\"all\"}", "{\"to\":\"offsets\",\"offsets\":{\"nope\":{\"0\":0}}}",
                "{\"to\":\"offsets\",\"offsets\":{\"../../etc\":{\"0\":0}}}", "{\"to\":\"offsets\",\"offsets\":{\"_tidelog.snapshots\":{\"0\":0}}}",
                "{\"to\":\"offsets\",\"offsets\":{" + t + ":{}}}", "{\"to\":\"offsets\",\"offsets\":{" + t + ":[0]}}",
                "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"-1\":0}}}", "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"4\":0}}}",
                "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"00\":0}}}", "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"x\":0}}}",
                "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"0\":-1}}}", "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"0\":1.5}}}",
                "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"0\":\"1\"}}}", "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"0\":null}}}",
                "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"0\":1e400}}}",
                "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"0\":123456789012345678901234567890}}}",
                "{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"0\":99999999}}}",
                "[".repeat(5000) + "]".repeat(5000), "{\"to\":" + "[".repeat(3000) + "]".repeat(3000) + "}",
                "\u0000", "\uFEFF{\"to\":\"earliest\"}x", "{\"to\":\"earl\\u0000iest\"}");
        for (String body : resets) {
            probes.add(Probe.of("POST", "/admin/sinks/cache/reset", body));
        }
        probes.add(new Probe("POST", "/admin/sinks/cache/reset", new byte[] {'{', '"', 't', 'o', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'},
                JSON_TYPE, AUTH, false));

        // Bodies on endpoints that take none, or take other fields.
        for (String path : List.of("/admin/sinks/cache/pause", "/admin/sinks/cache/resume", "/admin/sinks/cache/dlq/retry",
                "/admin/snapshots/0b4f1a6e-8c2d-4e59-9a7b-3c1d2e3f4a5b/cancel")) {
            probes.add(Probe.of("POST", path, "{\"now\":true}"));
            probes.add(Probe.of("POST", path, "[1,2]"));
            probes.add(Probe.of("POST", path, "not json"));
        }

        // Compaction requests that are wrong (a valid one would run the cleaner).
        for (String body : List.of("{\"topic\":5}", "{\"topic\":\"\"}", "{\"topic\":\"..\"}", "{\"topic\":\"../../etc/passwd\"}",
                "{\"topic\":\"tidelog.public.nope\"}", "{\"topic\":\"x'; DROP TABLE t;--\"}", "{\"topic\":[\"" + TOPIC + "\"]}",
                "{\"topics\":\"" + TOPIC + "\"}", "{\"topic\":\"" + TOPIC + "\",\"force\":true}", "[]", "{", "\"" + TOPIC + "\"")) {
            probes.add(Probe.of("POST", "/admin/log/compact", body));
        }

        // Source reset without the exact confirmation.
        for (String body : List.of("", "{}", "{\"confirm\":\"yes\"}", "{\"confirm\":true}", "{\"confirm\":\"DROP-SLOT-AND-RESNAPSHOT\"}",
                "{\"confirm\":\"drop-slot-and-resnapshot \"}", "{\"confirm\":[\"drop-slot-and-resnapshot\"]}",
                "{\"confirm\":\"drop-slot-and-resnapshot\",\"also\":1}", "{\"confirm\":\"drop-slot-and-resnapshot\"", "{\"Confirm\":\"drop-slot-and-resnapshot\"}")) {
            probes.add(Probe.of("POST", "/admin/source/reset", body));
        }

        // Snapshot requests: SQL in table names, unknown tables, bad modes and types.
        String tbl = "\"" + TABLE + "\"";
        for (String body : List.of("{}", "{\"tables\":[" + tbl + "]}", "{\"mode\":\"incremental\"}",
                "{\"tables\":[],\"mode\":\"incremental\"}", "{\"tables\":" + tbl + ",\"mode\":\"incremental\"}",
                "{\"tables\":[1],\"mode\":\"incremental\"}", "{\"tables\":[null],\"mode\":\"incremental\"}",
                "{\"tables\":[\"public.admin_items; DROP TABLE admin_items\"],\"mode\":\"incremental\"}",
                "{\"tables\":[\"public.admin_items' OR '1'='1\"],\"mode\":\"incremental\"}",
                "{\"tables\":[\"\\\"public\\\".\\\"admin_items\\\"\"],\"mode\":\"incremental\"}",
                "{\"tables\":[\"public.admin_items--\"],\"mode\":\"incremental\"}", "{\"tables\":[\"pg_catalog.pg_authid\"],\"mode\":\"blocking\"}",
                "{\"tables\":[\"admin_items\"],\"mode\":\"incremental\"}", "{\"tables\":[\"public.nope\"],\"mode\":\"incremental\"}",
                "{\"tables\":[" + tbl + "],\"mode\":\"INCREMENTAL\"}", "{\"tables\":[" + tbl + "],\"mode\":1}",
                "{\"tables\":[" + tbl + "],\"mode\":\"incremental\",\"filter\":7}",
                "{\"tables\":[" + tbl + "],\"mode\":\"incremental\",\"filter\":\"\"}",
                "{\"tables\":[" + tbl + "],\"mode\":\"incremental\",\"filter\":\"" + "1=1 OR ".repeat(1000) + "\"}",
                "{\"tables\":[" + tbl + "],\"mode\":\"incremental\",\"where\":\"1=1\"}")) {
            probes.add(Probe.of("POST", "/admin/snapshots", body));
        }
        for (String id : List.of("..%2F..%2Fetc", "1%20OR%201%3D1", "0B4F1A6E-8C2D-4E59-9A7B-3C1D2E3F4A5B", "x".repeat(500),
                "%27%3B--", "0b4f1a6e-8c2d-4e59-9a7b-3c1d2e3f4a5b")) {
            probes.add(Probe.of("GET", "/admin/snapshots/" + id, null));
            probes.add(Probe.of("POST", "/admin/snapshots/" + id + "/cancel", null));
        }

        // Topic names and query parameters of the record reader and the dead letters.
        for (String topic : List.of("..", ".", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "tidelog.public.nope", "x%27%3B%20DROP%20TABLE%20t",
                "__consumer_offsets", "__tidelog.groups", "a%20b", "y".repeat(300), "%3Cb%3E", "tidelog.public.admin_items%00")) {
            probes.add(Probe.of("GET", "/admin/log/topics/" + topic + "/records", null));
        }
        for (String query : List.of("partition=-1", "partition=4", "partition=99999999999", "partition=x", "partition=1e3",
                "offset=-1", "offset=x", "offset=99999999999", "offset=1.5", "offset=9223372036854775808",
                "limit=0", "limit=-1", "limit=x", "limit=1e9", "limit=99999999999", "partition=x&partition=0", "offset=%00")) {
            probes.add(Probe.of("GET", "/admin/log/topics/" + TOPIC + "/records?" + query, null));
        }
        for (String query : List.of("offset=-1", "offset=abc", "offset=99999999", "limit=0", "limit=abc", "limit=-9")) {
            probes.add(Probe.of("GET", "/admin/sinks/cache/dlq?" + query, null));
        }

        // Wrong methods.
        for (String[] mp : new String[][] {{"POST", "/admin/status"}, {"PUT", "/admin/status"}, {"DELETE", "/admin/status"},
                {"PATCH", "/admin/status"}, {"GET", "/admin/sinks/cache/pause"}, {"PUT", "/admin/sinks/cache/pause"},
                {"DELETE", "/admin/sinks/cache"}, {"GET", "/admin/sinks/cache/resume"}, {"GET", "/admin/sinks/cache/reset"},
                {"PUT", "/admin/sinks/cache/reset"}, {"DELETE", "/admin/sinks/cache/dlq"}, {"GET", "/admin/sinks/cache/dlq/retry"},
                {"GET", "/admin/log/compact"}, {"DELETE", "/admin/log/compact"}, {"POST", "/admin/log/topics/" + TOPIC + "/records"},
                {"GET", "/admin/source/reset"}, {"DELETE", "/admin/snapshots"}, {"PUT", "/admin/snapshots"},
                {"GET", "/admin/snapshots/0b4f1a6e-8c2d-4e59-9a7b-3c1d2e3f4a5b/cancel"}}) {
            probes.add(Probe.of(mp[0], mp[1], null));
        }

        // Wrong media types for valid bodies, and unknown paths.
        for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data")) {
            probes.add(new Probe("POST", "/admin/sinks/cache/reset", "{\"to\":\"latest\"}".getBytes(StandardCharsets.UTF_8), type, AUTH, false));
        }
        probes.add(new Probe("POST", "/admin/sinks/cache/reset", "{\"to\":\"latest\"}".getBytes(StandardCharsets.UTF_8), null, AUTH, false));
        for (String path : List.of("/admin", "/admin/", "/admin/sinks", "/admin/log", "/admin/log/topics", "/admin/sinks/cache/unknown",
                "/admin/status/..%2F..%2Fetc", "/admin/..;/actuator/env", "/admin/%2e%2e/actuator/env")) {
            probes.add(Probe.of("GET", path, null));
        }

        // Huge bodies: with a length (refused before reading) and without (refused while reading).
        byte[] huge = ("{\"to\":\"latest\",\"pad\":\"" + "a".repeat(1_500_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (String path : List.of("/admin/sinks/cache/reset", "/admin/sinks/cache/pause", "/admin/log/compact", "/admin/snapshots")) {
            probes.add(new Probe("POST", path, huge, JSON_TYPE, AUTH, false));
            probes.add(new Probe("POST", path, huge, JSON_TYPE, AUTH, true));
        }

        // Valid requests that could change state, without the right token.
        for (String auth : new String[] {null, "Bearer nope", "Bearer " + TOKEN + " " + TOKEN, "bearer" + TOKEN, "Basic " + TOKEN}) {
            probes.add(new Probe("POST", "/admin/sinks/cache/pause", null, null, auth, false));
            probes.add(new Probe("POST", "/admin/sinks/cache/reset", "{\"to\":\"latest\"}".getBytes(StandardCharsets.UTF_8),
                    JSON_TYPE, auth, false));
            probes.add(new Probe("POST", "/admin/log/compact", null, null, auth, false));
        }
        return probes;
    }
}
