package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.Op;
import io.tidelog.event.Row;
import io.tidelog.event.SourcePosition;
import io.tidelog.event.TableId;
import io.tidelog.harness.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdHocSnapshotsTest {

    private static final TableId ORDERS = new TableId("public", "orders");
    private static final TableId ITEMS = new TableId("public", "items");

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli());
    private final List<String[]> sent = new ArrayList<>();
    private final AdHocSnapshots snapshots = new AdHocSnapshots((id, type, data) -> sent.add(new String[] {id, type, data}),
            t -> t.equals(ORDERS) ? 100L : null, clock);

    @Test
    void anIncrementalSnapshotSignalsCountsReadsAndCompletes() {
        AdHocSnapshots.Progress p = snapshots.start(List.of(ORDERS), null, AdHocSnapshots.Mode.INCREMENTAL);
        assertThat(sent).singleElement().satisfies(s -> {
            assertThat(s[0]).isEqualTo(p.id());
            assertThat(s[1]).isEqualTo("execute-snapshot");
            assertThat(s[2]).isEqualTo("{\"data-collections\":[\"\\\\Qpublic\\\\E\\\\.\\\\Qorders\\\\E\"],\"type\":\"INCREMENTAL\"}");
        });
        assertThat(p.state()).isEqualTo(AdHocSnapshots.State.REQUESTED);
        assertThat(p.estimatedRows()).isEqualTo(100);

        snapshots.onNotice(notice(p.id(), "STARTED", Map.of()));
        clock.advance(Duration.ofSeconds(2));
        snapshots.onDurable(List.of(read(ORDERS), read(ORDERS), update(ORDERS)));
        snapshots.onDurable(Collections.nCopies(38, read(ORDERS)));
        AdHocSnapshots.Progress running = snapshots.get(p.id()).orElseThrow();
        assertThat(running.state()).isEqualTo(AdHocSnapshots.State.RUNNING);
        assertThat(running.rows()).as("reads only, not the update").isEqualTo(40);
        assertThat(running.percent()).isEqualTo(40.0);
        assertThat(running.rowsPerSecond()).isEqualTo(20.0);
        assertThat(running.eta()).isEqualTo(Duration.ofSeconds(3));

        snapshots.onNotice(notice(p.id(), "TABLE_SCAN_COMPLETED", Map.of("scanned_collection", "public.orders", "status", "SUCCEEDED")));
        snapshots.onNotice(notice(p.id(), "COMPLETED", Map.of()));
        AdHocSnapshots.Progress done = snapshots.get(p.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(AdHocSnapshots.State.COMPLETED);
        assertThat(done.percent()).isEqualTo(100.0);
        assertThat(done.eta()).isNull();
        snapshots.onDurable(List.of(read(ORDERS)));
        assertThat(snapshots.get(p.id()).orElseThrow().rows()).as("reads after the end are not its").isEqualTo(40);
        assertThat(snapshots.running()).isEmpty();
    }

    @Test
    void oneRunsAtATime() {
        AdHocSnapshots.Progress first = snapshots.start(List.of(ORDERS), null, AdHocSnapshots.Mode.INCREMENTAL);
        assertThatThrownBy(() -> snapshots.start(List.of(ITEMS), null, AdHocSnapshots.Mode.BLOCKING))
                .isInstanceOfSatisfying(AdHocSnapshotException.class,
                        e -> assertThat(e.reason()).isEqualTo(AdHocSnapshotException.Reason.BUSY))
                .hasMessageContaining(first.id());
        snapshots.onNotice(notice(first.id(), "COMPLETED", Map.of()));
        assertThat(snapshots.start(List.of(ITEMS), null, AdHocSnapshots.Mode.BLOCKING).state())
                .isEqualTo(AdHocSnapshots.State.REQUESTED);
    }

    @Test
    void aFilterGoesToEveryTableAsAnAdditionalConditionAndLeavesNoEstimate() {
        AdHocSnapshots.Progress p = snapshots.start(List.of(ORDERS, ITEMS), "id > 5", AdHocSnapshots.Mode.BLOCKING);
        assertThat(sent.get(0)[2]).contains("\"type\":\"BLOCKING\"")
                .contains("\"additional-conditions\":[{\"data-collection\":\"\\\\Qpublic\\\\E\\\\.\\\\Qorders\\\\E\",\"filter\":\"id > 5\"},"
                        + "{\"data-collection\":\"\\\\Qpublic\\\\E\\\\.\\\\Qitems\\\\E\",\"filter\":\"id > 5\"}]");
        assertThat(p.filtered()).isTrue();
        assertThat(p.estimatedRows()).isNull();
        assertThat(p.percent()).isNull();
        // Blocking snapshots report through Debezium's initial-snapshot notices, with ids of their own.
        snapshots.onNotice(new SnapshotNotice("other-id", "Initial Snapshot", "STARTED", Map.of()));
        assertThat(snapshots.get(p.id()).orElseThrow().state()).isEqualTo(AdHocSnapshots.State.RUNNING);
        snapshots.onNotice(new SnapshotNotice("other-id", "Initial Snapshot", "COMPLETED", Map.of()));
        assertThat(snapshots.get(p.id()).orElseThrow().state()).isEqualTo(AdHocSnapshots.State.COMPLETED);
    }

    @Test
    void aTableDebeziumCouldNotReadFailsTheSnapshot() {
        AdHocSnapshots.Progress p = snapshots.start(List.of(ORDERS), "nope = 1", AdHocSnapshots.Mode.INCREMENTAL);
        snapshots.onNotice(notice(p.id(), "TABLE_SCAN_COMPLETED", Map.of("scanned_collection", "public.orders", "status", "SQL_EXCEPTION")));
        snapshots.onNotice(notice(p.id(), "COMPLETED", Map.of()));
        AdHocSnapshots.Progress done = snapshots.get(p.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(AdHocSnapshots.State.FAILED);
        assertThat(done.errors()).containsExactly("public.orders: sql exception (check the filter)");
    }

    @Test
    void cancellingSignalsAStopAndEndsCancelledUnlessEveryTableWasRead() {
        AdHocSnapshots.Progress p = snapshots.start(List.of(ORDERS, ITEMS), null, AdHocSnapshots.Mode.INCREMENTAL);
        snapshots.onNotice(notice(p.id(), "STARTED", Map.of()));
        assertThat(snapshots.cancel(p.id()).state()).isEqualTo(AdHocSnapshots.State.CANCELLING);
        assertThat(sent.get(1)[1]).isEqualTo("stop-snapshot");
        assertThat(sent.get(1)[2]).isEqualTo("{\"data-collections\":[\"\\\\Qpublic\\\\E\\\\.\\\\Qorders\\\\E\","
                + "\"\\\\Qpublic\\\\E\\\\.\\\\Qitems\\\\E\"],\"type\":\"INCREMENTAL\"}");
        snapshots.cancel(p.id());
        assertThat(sent).as("a second cancel sends nothing").hasSize(2);
        snapshots.onNotice(notice(p.id(), "TABLE_SCAN_COMPLETED", Map.of("scanned_collection", "public.orders", "status", "SUCCEEDED")));
        snapshots.onNotice(notice(p.id(), "TABLE_SCAN_COMPLETED", Map.of("scanned_collection", "public.items", "status", "SKIPPED")));
        snapshots.onNotice(notice(p.id(), "COMPLETED", Map.of()));
        AdHocSnapshots.Progress done = snapshots.get(p.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(AdHocSnapshots.State.CANCELLED);
        assertThat(done.errors()).isEmpty();
        assertThatThrownBy(() -> snapshots.cancel(p.id())).isInstanceOfSatisfying(AdHocSnapshotException.class,
                e -> assertThat(e.reason()).isEqualTo(AdHocSnapshotException.Reason.ENDED));
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> snapshots.cancel("0b4f1a6e-8c2d-4e59-9a7b-3c1d2e3f4a5b"))
                .isInstanceOfSatisfying(AdHocSnapshotException.class,
                        e -> assertThat(e.reason()).isEqualTo(AdHocSnapshotException.Reason.UNKNOWN));
        AdHocSnapshots.Progress blocking = snapshots.start(List.of(ORDERS), null, AdHocSnapshots.Mode.BLOCKING);
        assertThatThrownBy(() -> snapshots.cancel(blocking.id())).isInstanceOfSatisfying(AdHocSnapshotException.class,
                e -> assertThat(e.reason()).isEqualTo(AdHocSnapshotException.Reason.NOT_CANCELLABLE));

        AdHocSnapshots stopped = new AdHocSnapshots((id, type, data) -> {
            throw new IllegalStateException("capture is stopped, not running: it takes no signals");
        }, t -> null, clock);
        assertThatThrownBy(() -> stopped.start(List.of(ORDERS), null, AdHocSnapshots.Mode.INCREMENTAL))
                .isInstanceOfSatisfying(AdHocSnapshotException.class,
                        e -> assertThat(e.reason()).isEqualTo(AdHocSnapshotException.Reason.NOT_STREAMING))
                .hasMessageContaining("takes no signals");
        assertThat(stopped.all()).as("a refused request is not remembered").isEmpty();
    }

    @Test
    void anIncrementalSnapshotDebeziumResumesAfterARestartIsAdoptedAndAStopInterruptsIt() {
        snapshots.onNotice(notice("resumed-id", "IN_PROGRESS", Map.of("data_collections", "public.orders,public.items")));
        AdHocSnapshots.Progress adopted = snapshots.get("resumed-id").orElseThrow();
        assertThat(adopted.state()).isEqualTo(AdHocSnapshots.State.RUNNING);
        assertThat(adopted.tables()).extracting(AdHocSnapshots.TableProgress::table).containsExactly(ORDERS, ITEMS);
        snapshots.onNotice(notice("unknown-and-over", "COMPLETED", Map.of()));
        assertThat(snapshots.get("unknown-and-over")).isEmpty();

        snapshots.interrupt();
        AdHocSnapshots.Progress interrupted = snapshots.get("resumed-id").orElseThrow();
        assertThat(interrupted.state()).isEqualTo(AdHocSnapshots.State.INTERRUPTED);
        assertThat(interrupted.errors()).singleElement().asString().startsWith("capture stopped");
    }

    private static SnapshotNotice notice(String id, String type, Map<String, String> data) {
        return new SnapshotNotice(id, SnapshotNotice.INCREMENTAL, type, data);
    }

    private static ChangeEvent read(TableId table) {
        return event(table, Op.READ);
    }

    private static ChangeEvent update(TableId table) {
        return event(table, Op.UPDATE);
    }

    private static ChangeEvent event(TableId table, Op op) {
        Row row = Row.empty();
        return new ChangeEvent(table, op, List.of(), row, op == Op.READ ? null : row, row,
                new SourcePosition(1, 0, 0, Instant.EPOCH, op == Op.READ));
    }
}
