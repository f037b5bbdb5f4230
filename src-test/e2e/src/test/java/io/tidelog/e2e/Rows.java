package io.tidelog.e2e;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rows of captured tables in one comparable form, whoever holds them (the source, the log, a sink):
 * per table name ({@code sink_items}), per primary key as the sinks name a row ({@code 42}: the key's
 * values joined by {@code :}), the row as the log's JSON encodes it. Numbers are made canonical
 * ({@link #canonical}) so that two readers of the same JSON text agree however their parser sized them.
 *
 * @param tables table name → key → row
 */
record Rows(Map<String, Map<String, JsonNode>> tables) {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int EXAMPLES = 4;

    Rows {
        Map<String, Map<String, JsonNode>> copy = new TreeMap<>();
        tables.forEach((t, rows) -> copy.put(t, new TreeMap<>(rows)));
        tables = copy;
    }

    /** A table's rows; empty for a table not known here. */
    Map<String, JsonNode> table(String table) {
        return tables.getOrDefault(table, Map.of());
    }

    int size() {
        return tables.values().stream().mapToInt(Map::size).sum();
    }

    /** These rows without the given keys of one table. */
    Rows without(String table, Collection<String> keys) {
        Map<String, Map<String, JsonNode>> copy = new TreeMap<>(tables);
        Map<String, JsonNode> rows = new TreeMap<>(table(table));
        keys.forEach(rows::remove);
        copy.put(table, rows);
        return new Rows(copy);
    }

    /** Each row replaced by {@code f(table, row)}; for a target that stores values in its own types. */
    Rows map(BiFunction<String, JsonNode, JsonNode> f) {
        Map<String, Map<String, JsonNode>> out = new TreeMap<>();
        tables.forEach((t, rows) -> {
            Map<String, JsonNode> mapped = new TreeMap<>();
            rows.forEach((k, row) -> mapped.put(k, f.apply(t, row)));
            out.put(t, mapped);
        });
        return new Rows(out);
    }

    /**
     * What differs in {@code actual} from these (expected) rows, per table: keys missing, keys that
     * should not be there, rows with other content — each kind counted, with a few examples.
     *
     * @return empty when both hold the same keys with the same rows
     */
    List<String> differences(Rows actual) {
        List<String> out = new ArrayList<>();
        Set<String> names = new TreeSet<>(tables.keySet());
        names.addAll(actual.tables.keySet());
        for (String table : names) {
            Map<String, JsonNode> want = table(table);
            Map<String, JsonNode> got = actual.table(table);
            List<String> missing = new ArrayList<>();
            List<String> extra = new ArrayList<>();
            Map<String, String> differing = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : want.entrySet()) {
                JsonNode row = got.get(e.getKey());
                if (row == null) {
                    missing.add(e.getKey());
                } else if (!canonical(row).equals(canonical(e.getValue()))) {
                    differing.put(e.getKey(), "expected " + e.getValue() + "\n          but was " + row);
                }
            }
            got.keySet().stream().filter(k -> !want.containsKey(k)).forEach(extra::add);
            if (!missing.isEmpty()) {
                out.add(table + ": " + missing.size() + " of " + want.size() + " rows missing, e.g. "
                        + missing.subList(0, Math.min(EXAMPLES, missing.size())));
            }
            if (!extra.isEmpty()) {
                out.add(table + ": " + extra.size() + " rows that the source does not have, e.g. "
                        + extra.subList(0, Math.min(EXAMPLES, extra.size())) + " = " + got.get(extra.get(0)));
            }
            if (!differing.isEmpty()) {
                StringBuilder b = new StringBuilder(table + ": " + differing.size() + " rows differ, e.g.");
                differing.entrySet().stream().limit(EXAMPLES)
                        .forEach(d -> b.append("\n      key ").append(d.getKey()).append(": ").append(d.getValue()));
                out.add(b.toString());
            }
        }
        return out;
    }

    /**
     * The key the sinks name a row by: the log key's values joined by {@code :}, with {@code :} and
     * {@code \} inside strings escaped by {@code \}.
     */
    static String keyOf(JsonNode key) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, JsonNode> column : key.properties()) {
            out.append(out.isEmpty() ? "" : ":").append(column.getValue().isString()
                    ? column.getValue().asString().replace("\\", "\\\\").replace(":", "\\:")
                    : column.getValue().toString());
        }
        return out.toString();
    }

    /**
     * The node with every integer as a long node and every other number as a double node, recursively:
     * equal JSON values then compare equal whichever node classes a parser picked for them.
     */
    static JsonNode canonical(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return NODES.nullNode();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return NODES.numberNode(node.longValue());
        }
        if (node.isFloatingPointNumber()) {
            return NODES.numberNode(node.doubleValue());
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(e -> out.add(canonical(e)));
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            node.properties().forEach(e -> out.set(e.getKey(), canonical(e.getValue())));
            return out;
        }
        return node;
    }
}
