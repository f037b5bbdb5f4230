package io.tidelog.capture;

import io.tidelog.event.ChangeEventJson;
import io.tidelog.event.EncodedValue;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads columns of the {@code after} row out of an envelope that {@link ChangeEventJson} wrote, as
 * the exact JSON text of each value ({@link EncodedValue}), without decoding them: a streaming
 * parse that records where each wanted value starts and ends. Stateless and thread-safe.
 */
final class StoredColumns {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String PLACEHOLDER = "\"" + ChangeEventJson.UNAVAILABLE + "\"";

    private StoredColumns() {
    }

    /**
     * The wanted columns of the envelope's {@code after}, each as its JSON text; a column that is
     * absent, or whose stored value is itself the placeholder, is left out.
     */
    static Map<String, EncodedValue> after(byte[] envelope, Set<String> wanted) {
        Map<String, EncodedValue> out = new HashMap<>();
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), envelope)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!"after".equals(field) || value != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String column = p.currentName();
                    p.nextToken();
                    long start = p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    p.finishToken();
                    long end = p.currentLocation().getByteOffset();
                    if (wanted.contains(column)) {
                        String json = new String(envelope, (int) start, (int) (end - start), StandardCharsets.UTF_8);
                        if (!PLACEHOLDER.equals(json)) {
                            out.put(column, new EncodedValue(json));
                        }
                    }
                }
                return out;
            }
        }
        return out;
    }
}
