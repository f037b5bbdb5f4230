package io.tidelog.capture;

import io.tidelog.event.TableId;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Translates {@link CaptureSettings} into the Debezium engine and PostgreSQL connector configuration. */
final class DebeziumProperties {

    /** Debezium names this "topic.prefix"; Tidelog does not use Debezium's topics, only its records. */
    static final String LOGICAL_NAME = "tidelog";

    /** Prefix of the logical decoding messages heartbeats emit; their records never reach the log. */
    static final String HEARTBEAT_PREFIX = "tidelog.heartbeat";

    /** Debezium's notifications arrive as records of this topic (its {@code sink} channel); they never reach the log. */
    static final String NOTIFICATION_TOPIC = "tidelog.notifications";

    private DebeziumProperties() {
    }

    static Properties of(CaptureSettings s) {
        Properties p = new Properties();
        p.setProperty("name", LOGICAL_NAME + "-" + s.slotName());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("topic.prefix", LOGICAL_NAME);

        p.setProperty("offset.storage", s.offsetStorage().className());
        s.offsetStorage().properties().forEach(p::setProperty);
        // A restart replays at most this window; the log makes replay harmless (later: exactly-once).
        p.setProperty("offset.flush.interval.ms", "1000");

        p.setProperty("database.hostname", s.address().host());
        p.setProperty("database.port", Integer.toString(s.address().port()));
        p.setProperty("database.dbname", s.address().database());
        p.setProperty("database.user", s.username());
        p.setProperty("database.password", s.password());

        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", s.slotName());
        p.setProperty("publication.name", s.publicationName());
        // Filtered: a publication for the captured tables only; "all_tables" would need superuser.
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", tableIncludeList(s));
        p.setProperty("snapshot.mode",
                s.snapshot() == CaptureSettings.SnapshotMode.STREAM_ONLY ? "no_data" : "initial");

        // Latency: the default 500 ms poll makes every quiet-time change wait half a second.
        p.setProperty("poll.interval.ms", Long.toString(s.pollInterval().toMillis()));
        p.setProperty("max.batch.size", Integer.toString(s.maxBatchSize()));
        p.setProperty("max.queue.size", Integer.toString(Math.max(8192, 4 * s.maxBatchSize())));

        // Heartbeats commit the latest received LSN while the captured tables are quiet, so the slot
        // does not hold WAL that other tables' writes keep producing.
        p.setProperty("heartbeat.interval.ms", Long.toString(s.heartbeatInterval().toMillis()));
        // PostgreSQL 15+ sends nothing for transactions on other tables, so a heartbeat alone has no
        // new position to commit; a logical decoding message gives it one, without a heartbeat table.
        // Transactional, so it carries a transaction id: a read-only incremental snapshot compares the
        // last event's transaction id on every heartbeat and stops the connector when there is none.
        if (!s.heartbeatInterval().isZero()) {
            p.setProperty("heartbeat.action.query",
                    "SELECT pg_logical_emit_message(true, '" + HEARTBEAT_PREFIX + "', now()::text)");
            p.setProperty("message.prefix.include.list", Pattern.quote(HEARTBEAT_PREFIX));
        }

        // Ad-hoc snapshots: signals from the admin API through the in-process channel, notifications back
        // through the record stream. Read-only incremental snapshots take their watermarks from
        // pg_current_snapshot() (PostgreSQL 13+), so the source needs no signal table and is never written.
        p.setProperty("signal.enabled.channels", "in-process");
        p.setProperty("signal.poll.interval.ms", "200");
        p.setProperty("read.only", "true");
        p.setProperty("notification.enabled.channels", "sink");
        p.setProperty("notification.sink.topic.name", NOTIFICATION_TOPIC);
        p.setProperty("incremental.snapshot.chunk.size", Integer.toString(s.adHocChunkRows()));

        // Value representations RecordMapper relies on: exact decimals, microsecond times, raw bytes.
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("hstore.handling.mode", "json");
        p.setProperty("include.unknown.datatypes", "true");
        // Tidelog writes its own tombstones; Debezium's would arrive as records without a value.
        p.setProperty("tombstones.on.delete", "false");
        return p;
    }

    private static String tableIncludeList(CaptureSettings s) {
        return s.tables().stream()
                .map(DebeziumProperties::exactRegex)
                .collect(Collectors.joining(","));
    }

    /** Debezium's include list is a list of regular expressions; quote names so they match only themselves. */
    private static String exactRegex(TableId t) {
        return Pattern.quote(t.schema()) + "\\." + Pattern.quote(t.table());
    }
}
