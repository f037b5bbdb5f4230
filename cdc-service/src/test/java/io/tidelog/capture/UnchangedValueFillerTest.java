package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.ChangeEventJson;
import io.tidelog.event.EncodedValue;
import io.tidelog.event.Json;
import io.tidelog.event.Op;
import io.tidelog.event.Row;
import io.tidelog.event.SourcePosition;
import io.tidelog.event.TableId;
import io.tidelog.event.Unavailable;
import io.tidelog.log.LatestValues;
import io.tidelog.log.LogRecord;
import io.tidelog.log.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnchangedValueFillerTest {

    private static final TableId T = new TableId("public", "docs");
    private static final ChangeEventJson JSON = new ChangeEventJson();
    private static final SourcePosition AT = new SourcePosition(200, 100, 7, Instant.EPOCH, false);

    /** The log as a map of key JSON → stored envelope. */
    private final Map<String, byte[]> log = new HashMap<>();
    private final LatestValues latest = (topic, key) -> Optional.ofNullable(log.get(new String(key, StandardCharsets.UTF_8)))
            .map(v -> new LogRecord(new TopicPartition(topic, 0), 0, 0, key, v, List.of()));
    private final List<List<Row>> reselects = new ArrayList<>();

    private static Row row(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return Row.of(m);
    }

    private static ChangeEvent event(Op op, int id, Row before, Row after) {
        return new ChangeEvent(T, op, List.of("id"), row("id", id), before, after, AT);
    }

    private void stored(ChangeEvent e) {
        log.put(new String(JSON.key(e), StandardCharsets.UTF_8), JSON.value(e, 0));
    }

    private UnchangedValueFiller filler(RowSource source) {
        RowSource recording = (table, keys, columns) -> {
            reselects.add(List.copyOf(keys));
            return source.select(table, keys, columns);
        };
        return new UnchangedValueFiller(latest, recording, JSON);
    }

    private static String after(ChangeEvent e) {
        String v = new String(JSON.value(e, 0), StandardCharsets.UTF_8);
        return v.substring(v.indexOf("\"after\":") + 8, v.indexOf(",\"op\""));
    }

    @Test
    void copiesTheStoredValueTextFromTheLogByteForByte() {
        stored(event(Op.READ, 1, null, row("id", 1, "body", "ünïcode \"quoted\"\n", "tags", List.of("a", "b"),
                "doc", new Json("{\"k\": [1, 2.50]}"), "n", 1)));
        ChangeEvent update = event(Op.UPDATE, 1, null, row("id", 1, "body", Unavailable.VALUE, "tags", Unavailable.VALUE,
                "doc", Unavailable.VALUE, "n", 2));

        ChangeEvent filled = filler(RowSource.none()).fill(List.of(update), t -> "topic").get(0);

        assertThat(filled.after().get("body")).isInstanceOf(EncodedValue.class);
        assertThat(after(filled)).isEqualTo("{\"id\":1,\"body\":\"ünïcode \\\"quoted\\\"\\n\",\"tags\":[\"a\",\"b\"],"
                + "\"doc\":{\"k\": [1, 2.50]},\"n\":2}");
        assertThat(reselects).isEmpty();
    }

    @Test
    void takesAnEarlierEventOfTheSameBatchBeforeTheLog() {
        stored(event(Op.READ, 1, null, row("id", 1, "body", "old", "n", 1)));
        List<ChangeEvent> batch = List.of(
                event(Op.UPDATE, 1, null, row("id", 1, "body", "new", "n", 2)),
                event(Op.UPDATE, 1, null, row("id", 1, "body", Unavailable.VALUE, "n", 3)),
                event(Op.UPDATE, 1, null, row("id", 1, "body", Unavailable.VALUE, "n", 4)));

        List<ChangeEvent> filled = filler(RowSource.none()).fill(batch, t -> "topic");

        assertThat(filled).extracting(e -> e.after().get("body")).containsExactly("new", "new", "new");
    }

    @Test
    void reselectsWhatTheLogDoesNotHoldInOneCallPerTable() {
        stored(event(Op.READ, 1, null, row("id", 1, "body", ChangeEventJson.UNAVAILABLE, "n", 1))); // stored placeholder text
        List<ChangeEvent> batch = List.of(
                event(Op.UPDATE, 1, null, row("id", 1, "body", Unavailable.VALUE, "n", 2)),
                event(Op.UPDATE, 2, null, row("id", 2, "body", Unavailable.VALUE, "n", 2)));
        RowSource source = (table, keys, columns) -> {
            assertThat(columns).containsExactly("body");
            Map<Row, Row> rows = new HashMap<>();
            keys.forEach(k -> rows.put(k, row("body", "current " + k.get("id"))));
            return rows;
        };

        List<ChangeEvent> filled = filler(source).fill(batch, t -> "topic");

        assertThat(filled).extracting(e -> e.after().get("body")).containsExactly("current 1", "current 2");
        assertThat(reselects).hasSize(1);
        assertThat(reselects.get(0)).containsExactly(row("id", 1), row("id", 2));
    }

    @Test
    void fillsBeforeWithThePreviousValueToo() {
        stored(event(Op.READ, 1, null, row("id", 1, "body", "kept")));
        ChangeEvent update = event(Op.UPDATE, 1, row("id", 1, "body", Unavailable.VALUE),
                row("id", 1, "body", Unavailable.VALUE));

        ChangeEvent filled = filler(RowSource.none()).fill(List.of(update), t -> "topic").get(0);

        assertThat(filled.before().get("body")).isEqualTo(new EncodedValue("\"kept\""));
        assertThat(filled.after().get("body")).isEqualTo(new EncodedValue("\"kept\""));
    }

    @Test
    void failsNamingTableKeyAndColumnWhenNoSourceHasTheValue() {
        ChangeEvent update = event(Op.UPDATE, 9, null, row("id", 9, "body", Unavailable.VALUE));

        assertThatThrownBy(() -> filler(RowSource.none()).fill(List.of(update), t -> "topic"))
                .isInstanceOfSatisfying(UnavailableValueException.class, e -> {
                    assertThat(e.table()).isEqualTo(T);
                    assertThat(e.key()).isEqualTo("{\"id\":9}");
                    assertThat(e.column()).isEqualTo("body");
                })
                .hasMessageContaining("public.docs.body").hasMessageContaining("{\"id\":9}");
    }

    @Test
    void leavesBatchesWithoutPlaceholdersUntouched() {
        List<ChangeEvent> batch = List.of(event(Op.CREATE, 1, null, row("id", 1, "body", "x")));
        assertThat(filler(RowSource.none()).fill(batch, t -> "topic")).isSameAs(batch);
    }

    @Test
    void storedColumnsSkipsWhatIsNotWanted() {
        byte[] envelope = JSON.value(event(Op.READ, 1, null, row("id", 1, "a", null, "b", true, "c", -1.5e300,
                "d", List.of(List.of(1), List.of()))), 0);
        assertThat(StoredColumns.after(envelope, Set.of("a", "b", "c", "d", "missing"))).containsOnly(
                Map.entry("a", new EncodedValue("null")), Map.entry("b", new EncodedValue("true")),
                Map.entry("c", new EncodedValue("-1.5E300")), Map.entry("d", new EncodedValue("[[1],[]]")));
    }
}
