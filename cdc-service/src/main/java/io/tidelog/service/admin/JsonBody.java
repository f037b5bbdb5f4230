package io.tidelog.service.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request body read strictly: one JSON object, no duplicate keys, nothing after it, only the
 * fields the endpoint knows, each of the type it expects. Every violation is a 400 naming the field.
 * An empty body reads as {@code {}}.
 */
final class JsonBody {

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final int MAX_DETAIL = 160;

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    /**
     * Parses {@code body}, allowing only {@code fields} at the top level.
     *
     * @throws AdminException 400 when the body is not such an object
     */
    static JsonBody parse(String body, Set<String> fields) {
        if (body == null || body.isBlank()) {
            return new JsonBody(STRICT.createObjectNode());
        }
        JsonNode tree;
        try {
            tree = STRICT.readTree(body);
        } catch (JacksonException e) {
            throw AdminException.badRequest(field(e), "malformed JSON: " + detail(e));
        }
        if (tree == null || !tree.isObject()) {
            throw AdminException.badRequest(null, "the body must be a JSON object");
        }
        for (String name : tree.propertyNames()) {
            if (!fields.contains(name)) {
                throw AdminException.badRequest(printable(name), fields.isEmpty() ? "this request takes no fields"
                        : "unknown field; known: " + String.join(", ", fields.stream().sorted().toList()));
            }
        }
        return new JsonBody((ObjectNode) tree);
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** The string value of {@code field}, or null when absent or null. */
    String string(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw AdminException.badRequest(field, field + " must be a string");
        }
        return v.asString();
    }

    String requiredString(String field) {
        String s = string(field);
        if (s == null) {
            throw AdminException.badRequest(field, field + " is required");
        }
        return s;
    }

    /** The list of strings in {@code field}, or null when absent or null. */
    List<String> strings(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw AdminException.badRequest(field, field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isString()) {
                throw AdminException.badRequest(field + "[" + i + "]", field + "[" + i + "] must be a string");
            }
            out.add(v.get(i).asString());
        }
        return out;
    }

    /** The whole number in {@code field}, or null when absent or null. */
    Long longValue(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw AdminException.badRequest(field, field + " must be a whole number");
        }
        return v.longValue();
    }

    /** Like {@link #longValue}, within int range. */
    Integer intValue(String field) {
        Long v = longValue(field);
        if (v != null && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
            throw AdminException.badRequest(field, field + " is out of range");
        }
        return v == null ? null : v.intValue();
    }

    /** The object in {@code field}, or null when absent or null. */
    ObjectNode object(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw AdminException.badRequest(field, field + " must be an object");
        }
        return (ObjectNode) v;
    }

    /** A name from the request, shortened and stripped of control characters for an error message. */
    static String printable(String text) {
        String t = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    private static String field(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? null : printable(path.toString());
    }

    private static String detail(JacksonException e) {
        String m = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        m = m.lines().findFirst().orElse(m);
        return printable(m.length() > MAX_DETAIL ? m.substring(0, MAX_DETAIL) + "…" : m);
    }
}
