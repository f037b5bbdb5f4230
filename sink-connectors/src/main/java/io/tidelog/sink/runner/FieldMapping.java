package io.tidelog.sink.runner;

import io.tidelog.event.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which columns of a row a sink receives, and under which names. Each entry names a column either
 * alone ({@code email}: in every table) or qualified by its table ({@code customers.email} or
 * {@code public.customers.email}).
 *
 * <p>Applied in this order: {@code include} (when not empty, only these columns), then
 * {@code exclude}, then {@code rename}. The record key is never changed: it identifies the row.
 *
 * @param include columns to keep; empty keeps all
 * @param exclude columns to drop
 * @param rename  column → new name
 */
public record FieldMapping(Set<String> include, Set<String> exclude, Map<String, String> rename) {

    public static final FieldMapping IDENTITY = new FieldMapping(Set.of(), Set.of(), Map.of());

    public FieldMapping {
        include = Set.copyOf(include);
        exclude = Set.copyOf(exclude);
        rename = Map.copyOf(rename);
        for (Map.Entry<String, String> e : rename.entrySet()) {
            if (e.getValue().isBlank()) {
                throw new IllegalArgumentException("rename of '" + e.getKey() + "' has an empty new name");
            }
        }
    }

    public boolean isIdentity() {
        return include.isEmpty() && exclude.isEmpty() && rename.isEmpty();
    }

    /**
     * Entries that name a table not among {@code tables}: a typo that would silently do nothing.
     *
     * @return messages, one per bad entry; empty when all entries are fine
     */
    public List<String> problems(Set<TableId> tables) {
        List<String> out = new ArrayList<>();
        for (String entry : allEntries()) {
            int dot = entry.lastIndexOf('.');
            if (dot > 0) {
                String qualifier = entry.substring(0, dot);
                boolean known = tables.stream().anyMatch(t -> qualifier.equals(t.table())
                        || qualifier.equals(t.schema() + "." + t.table()));
                if (!known) {
                    out.add("'" + entry + "' names table '" + qualifier + "', which this sink does not receive");
                }
            }
        }
        return out;
    }

    private List<String> allEntries() {
        List<String> all = new ArrayList<>(include);
        all.addAll(exclude);
        all.addAll(rename.keySet());
        return all;
    }

    /** The row as this mapping shows it; {@code row} itself is returned when nothing changes. */
    public ObjectNode apply(TableId table, ObjectNode row) {
        if (row == null || isIdentity()) {
            return row;
        }
        ObjectNode out = row.objectNode();
        for (Map.Entry<String, JsonNode> field : row.properties()) {
            String column = field.getKey();
            if (!include.isEmpty() && lookup(include, table, column) == null) {
                continue;
            }
            if (lookup(exclude, table, column) != null) {
                continue;
            }
            String renamed = renameOf(table, column);
            out.set(renamed != null ? renamed : column, field.getValue());
        }
        return out;
    }

    private String renameOf(TableId table, String column) {
        String key = lookup(rename.keySet(), table, column);
        return key == null ? null : rename.get(key);
    }

    /** The entry of {@code entries} that matches this column, most specific first, or null. */
    private static String lookup(Set<String> entries, TableId table, String column) {
        String full = table.schema() + "." + table.table() + "." + column;
        if (entries.contains(full)) {
            return full;
        }
        String short_ = table.table() + "." + column;
        if (entries.contains(short_)) {
            return short_;
        }
        return entries.contains(column) ? column : null;
    }
}
