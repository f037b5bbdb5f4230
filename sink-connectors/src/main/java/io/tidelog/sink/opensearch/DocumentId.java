package io.tidelog.sink.opensearch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The document {@code _id} of a row: its primary-key values in key order, joined by {@code :}, strings
 * without quotes — {@code 42} for {@code {"id":42}}, {@code acme:3} for {@code {"tenant":"acme","id":3}}.
 * That is {@link io.tidelog.sink.SinkRecord#keyValues(String) keyValues(":")}, except that a {@code :} or
 * {@code \} inside a string value is escaped with {@code \}, so that {@code ("a:b","c")} and
 * {@code ("a","b:c")} stay two documents. The id depends only on the key, so it is stable across
 * replays and restarts.
 *
 * <p>OpenSearch refuses ids over {@value #MAX_BYTES} bytes of UTF-8. A longer id is replaced by
 * {@value #HASH_PREFIX} and the SHA-256 of the long id in hex (71 characters): still one id per row,
 * but no longer readable, so look such rows up by their fields.
 *
 * <p>Stateless.
 */
final class DocumentId {

    static final int MAX_BYTES = 512;
    static final String HASH_PREFIX = "sha256:";

    private DocumentId() {
    }

    static String of(ObjectNode key) {
        StringBuilder id = new StringBuilder(32);
        Iterator<Map.Entry<String, JsonNode>> fields = key.properties().iterator();
        while (fields.hasNext()) {
            JsonNode value = fields.next().getValue();
            if (value.isString()) {
                appendEscaped(id, value.asString());
            } else {
                id.append(value);
            }
            if (fields.hasNext()) {
                id.append(':');
            }
        }
        String text = id.toString();
        // a UTF-8 character is at most 3 bytes per UTF-16 unit, so short ids need no encoding to be checked
        if (text.length() * 3 <= MAX_BYTES) {
            return text;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return utf8.length <= MAX_BYTES ? text : HASH_PREFIX + HexFormat.of().formatHex(sha256(utf8));
    }

    private static void appendEscaped(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ':' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
