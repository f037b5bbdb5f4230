package io.tidelog.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.e2e.CapturedCounters.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * What the log must hold after a run of {@link CounterWriters} with crashes or failovers (every update adds
 * exactly 1 to {@code v}; ids are never reused):
 * <ol>
 *   <li>each row's history, from the read of the last completed snapshot (or its insert), is streamed
 *       changes committed after that snapshot, with consecutive values and nothing after its delete;</li>
 *   <li>no streamed change twice (same LSN);</li>
 *   <li>per partition, the streamed changes' positions rise, a tombstone repeats its delete's;</li>
 *   <li>the compacted view (latest value per id, deletes left out) equals the table.</li>
 * </ol>
 */
final class CounterLogCheck {

    private CounterLogCheck() {
    }

    /**
     * Checks (1)–(4) and fails with every violation, by kind.
     *
     * @param test             who prints the summary line
     * @param table            {@code schema.table} of the counters
     * @param snapshotsStarted how many snapshots must at least have been started (an interrupted one is retaken)
     * @param context          appended to a failure: what the test did
     */
    static void verify(String test, String table, CapturedCounters captured, Map<Integer, Integer> rows,
                       int snapshotsStarted, String context) {
        List<JsonNode> markers = captured.markers();
        assertThat(markers).as("snapshot markers of " + table).isNotEmpty();
        JsonNode last = markers.get(markers.size() - 1);
        assertThat(last.path("state").asString()).as("latest snapshot marker: %s", last).isEqualTo("completed");
        assertThat(markers.stream().filter(m -> "started".equals(m.path("state").asString())).count())
                .as("snapshots started (the first was killed, then taken again): %s", markers)
                .isGreaterThanOrEqualTo(snapshotsStarted);
        long consistentLsn = last.path("consistent_lsn").asLong();

        Violations v = new Violations();
        Map<Integer, List<Entry>> byId = captured.byId();
        byId.forEach((id, history) -> checkHistory(id, history, consistentLsn, v));
        checkPartitionOrder(captured.records(), v);
        checkCompactedView(captured.compacted(), rows, byId, v);

        long streamed = captured.records().stream().filter(Entry::streamed).count();
        System.out.printf("%s: log holds %d records (%d streamed changes) for %d ids; table has %d rows%n",
                test, captured.records().size(), streamed, byId.size(), rows.size());
        assertThat(streamed).as("streamed changes in the log").isPositive();
        v.assertNone(context);
    }

    /**
     * A tombstone the retaken snapshot wrote for a row an interrupted attempt had read but that was
     * deleted before the new consistent point: it carries that consistent point as its position.
     */
    private static boolean retiredByRetake(Entry e, long consistentLsn) {
        return e.tombstone() && e.header() != null && e.header()[0] == 0 && e.header()[1] == consistentLsn;
    }

    /**
     * (1) and (2): from the id's read by the last completed snapshot (or its insert, for a row created
     * after it), every change is streamed, committed after the snapshot, in rising {@code lsn}, with
     * consecutive values, nothing after its delete, and no change twice.
     */
    private static void checkHistory(int id, List<Entry> history, long consistentLsn, Violations v) {
        int base = -1;
        for (int i = 0; i < history.size(); i++) {
            Entry e = history.get(i);
            if (e.snapshot() && "r".equals(e.op()) && e.lsn() == consistentLsn) {
                base = i;
            }
        }
        int from = base;
        if (from < 0) { // created after the snapshot: starts with its insert; before it only reads of an aborted snapshot
            from = history.size();
            for (int i = 0; i < history.size(); i++) {
                if (history.get(i).streamed()) {
                    from = i;
                    break;
                }
            }
        }
        for (int i = 0; i < from; i++) {
            Entry e = history.get(i);
            if (!e.snapshot() && !retiredByRetake(e, consistentLsn)) {
                v.add("streamed before the last snapshot read", id, history);
                break;
            }
        }
        Integer value = base >= 0 ? history.get(base).v() : null;
        boolean deleted = false;
        Set<Long> lsns = new HashSet<>();
        long previousLsn = -1;
        for (int i = Math.max(base + 1, from); i < history.size(); i++) {
            Entry e = history.get(i);
            if (e.tombstone()) {
                Entry before = history.get(i - 1);
                if (!"d".equals(before.op()) || !Arrays.equals(e.header(), before.header())) {
                    v.add("tombstone not right after its delete", id, history);
                }
                continue;
            }
            if (!e.streamed()) {
                v.add("snapshot read after the last completed snapshot's read", id, history);
                continue;
            }
            if (!lsns.add(e.lsn())) {
                v.add("duplicate streamed change (same lsn " + e.lsn() + ")", id, history);
            }
            if (e.lsn() <= previousLsn) {
                v.add("a row's lsn not rising", id, history);
            }
            previousLsn = e.lsn();
            if (deleted) {
                v.add("change after the row's delete", id, history);
            }
            switch (e.op()) {
                case "c" -> {
                    if (value != null || e.v() == null || e.v() != 0) {
                        v.add("insert of an existing row or with v != 0", id, history);
                    }
                    value = e.v();
                }
                case "u" -> {
                    if (value == null || e.v() == null || e.v() != value + 1) {
                        v.add(value != null && e.v() != null && e.v() <= value ? "repeated value (duplicate)"
                                : "value gap (lost change)", id, history);
                    }
                    value = e.v();
                }
                case "d" -> deleted = true;
                default -> v.add("unexpected op " + e.op(), id, history);
            }
        }
    }

    /**
     * (3): per partition, the streamed changes' {@code (commit_lsn, lsn)} — header and envelope alike —
     * rise; a tombstone repeats its delete's position.
     */
    private static void checkPartitionOrder(List<Entry> records, Violations v) {
        Entry previous = null;
        for (Entry e : records) {
            if (previous != null && previous.partition() != e.partition()) {
                previous = null;
            }
            if (e.header() == null) {
                v.add("record without a position header", e.toString());
            } else if (e.streamed()) {
                if (e.header()[0] != e.commitLsn() || e.header()[1] != e.lsn()) {
                    v.add("position header differs from the envelope", e.toString());
                }
                if (previous != null && compare(e.header(), previous.header()) <= 0) {
                    v.add("position goes backwards in a partition", previous + "  then  " + e);
                }
                previous = e;
            } else if (e.tombstone() && previous != null && !Arrays.equals(e.header(), previous.header())) {
                v.add("tombstone's position differs from its delete's", previous + "  then  " + e);
            }
        }
    }

    /** (4): the latest value of each id, without the deleted ones, is the table. */
    private static void checkCompactedView(Map<Integer, Integer> view, Map<Integer, Integer> table,
                                           Map<Integer, List<Entry>> byId, Violations v) {
        Set<Integer> ids = new TreeSet<>(view.keySet());
        ids.addAll(table.keySet());
        for (int id : ids) {
            Integer logged = view.get(id);
            Integer actual = table.get(id);
            if (logged == null) {
                v.add("row missing from the compacted view", "table v=" + actual, id, byId.getOrDefault(id, List.of()));
            } else if (actual == null) {
                v.add("deleted row still in the compacted view", "not in the table", id, byId.get(id));
            } else if (!logged.equals(actual)) {
                v.add("compacted view's value differs from the table's", "table v=" + actual, id, byId.get(id));
            }
        }
    }

    private static int compare(long[] a, long[] b) {
        int c = Long.compareUnsigned(a[0], b[0]);
        return c != 0 ? c : Long.compareUnsigned(a[1], b[1]);
    }

    /** Violations by kind, each kind with a count and a few examples (the id's whole history). */
    private static final class Violations {
        private static final int EXAMPLES = 5;
        private final Map<String, List<String>> byKind = new LinkedHashMap<>();

        void add(String kind, int id, List<Entry> history) {
            add(kind, "", id, history);
        }

        void add(String kind, String note, int id, List<Entry> history) {
            add(kind, "id " + id + (note.isEmpty() ? "" : " (" + note + ")") + ":\n      "
                    + String.join("\n      ", history.stream().map(Entry::toString).toList()));
        }

        void add(String kind, String example) {
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(example);
        }

        void assertNone(String context) {
            if (byKind.isEmpty()) {
                return;
            }
            StringBuilder report = new StringBuilder("the log does not match the committed history:\n");
            byKind.forEach((kind, examples) -> {
                report.append("- ").append(kind).append(": ").append(examples.size()).append('\n');
                examples.stream().limit(EXAMPLES).forEach(x -> report.append("    ").append(x).append('\n'));
            });
            throw new AssertionError(report.append(context).toString());
        }
    }
}
