package io.tidelog.sink.opensearch;

import io.tidelog.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.node.ObjectNode;

/**
 * The document {@code _id} of a row: {@link SinkRecord#keyId(ObjectNode)}, the key's values joined by
 * {@code :} with {@code :} and {@code \} inside string values escaped — {@code 42}, {@code acme:3}.
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
        String text = SinkRecord.keyId(key);
        // a UTF-8 character is at most 3 bytes per UTF-16 unit, so short ids need no encoding to be checked
        if (text.length() * 3 <= MAX_BYTES) {
            return text;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return utf8.length <= MAX_BYTES ? text : HASH_PREFIX + HexFormat.of().formatHex(sha256(utf8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
