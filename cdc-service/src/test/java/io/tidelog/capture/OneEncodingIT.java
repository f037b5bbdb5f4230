package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.ChangeEventJson;
import io.tidelog.event.Op;
import io.tidelog.event.SourcePosition;
import io.tidelog.event.TableId;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.snapshot.AlignedSnapshot;
import io.tidelog.snapshot.SnapshotSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A row read by the aligned snapshot (COPY text) and the same row arriving through the stream
 * (Debezium, pgoutput) encode to byte-identical JSON, for every supported type and for NULLs.
 */
@ExtendWith(PostgresExtension.class)
class OneEncodingIT {

    private static final String DB = "encoding_it";
    private static final TableId TABLE = new TableId("public", "every_type");
    private static final SourcePosition FIXED = new SourcePosition(1, 0, 0, Instant.EPOCH, false);

    @Test
    void snapshotAndStreamEncodeEveryTypeIdentically(PostgresServer server) throws Exception {
        server.createDatabase(DB);
        server.execute(DB, """
                CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
                CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);
                CREATE TABLE every_type (
                    id int PRIMARY KEY, c_int int, c_bigint bigint, c_smallint smallint, c_text text,
                    c_varchar varchar(20), c_numeric numeric(20,6), c_numeric_free numeric, c_real real,
                    c_double double precision, c_bool boolean, c_timestamptz timestamptz, c_timestamp timestamp,
                    c_date date, c_time time, c_timetz timetz, c_interval interval, c_uuid uuid, c_json json,
                    c_jsonb jsonb, c_bytea bytea, c_inet inet, c_mood mood, c_domain positive_int,
                    c_text_array text[], c_int_array int[]);
                ALTER TABLE every_type REPLICA IDENTITY FULL;
                INSERT INTO every_type VALUES (1, -42, 9000000000, -7, 'héllo "q" \\ tab	end', 'short',
                    12345678901234.123456, 3.14159265358979323846, 0.1, 2.5e-10, true,
                    '2024-03-01 10:15:30.123456+02', '2024-03-01 10:15:30.123456', '2024-02-29', '23:59:59.999999',
                    '10:00:00.5+02', '1 year 2 mons 3 days 04:05:06.78', '0b7e7c7a-8f1e-4d5e-9a43-3c2f1e0d9b01',
                    '{"b": 1,  "a": [true, null]}', '{"b": 1,  "a": [true, null]}', '\\x00deadbeef', '192.168.0.1/24',
                    'happy', 7, '{x,NULL,"y z","q\\"uote"}', '{1,NULL,-3}');
                INSERT INTO every_type (id) VALUES (2);
                INSERT INTO every_type (id, c_interval, c_numeric_free, c_double, c_timestamptz, c_time)
                    VALUES (3, '-2 days -00:00:01', 0, 'NaN', '1970-01-01 00:00:00+00', '00:00:00');
                """);

        List<ChangeEvent> snapshot = Collections.synchronizedList(new ArrayList<>());
        SnapshotSettings snapshotSettings = new SnapshotSettings(server.jdbcUrl(DB), server.superuser(),
                server.superuserPassword(), List.of(TABLE), "encoding_it", "encoding_it", 2, 1000, 100);
        new AlignedSnapshot(snapshotSettings).run(snapshot::addAll);

        List<ChangeEvent> streamed = Collections.synchronizedList(new ArrayList<>());
        CaptureSettings captureSettings = new CaptureSettings(new SourceAddress(server.host(), server.port(), DB),
                server.superuser(), server.superuserPassword(), List.of(TABLE), "encoding_it", "encoding_it",
                Duration.ofMillis(10), 1024, OffsetStorage.memory(), Duration.ofSeconds(60), CaptureSettings.SnapshotMode.STREAM_ONLY, Duration.ZERO);
        try (Capture capture = new Capture(captureSettings, streamed::addAll)) {
            capture.start();
            server.execute(DB, "UPDATE every_type SET id = id");
            await("3 streamed updates").atMost(Duration.ofSeconds(30)).until(() -> streamed.size() >= 3);
        }

        assertThat(snapshot).hasSize(3).allSatisfy(e -> assertThat(e.op()).isEqualTo(Op.READ));
        assertThat(streamed).hasSize(3).allSatisfy(e -> assertThat(e.op()).isEqualTo(Op.UPDATE));
        List<String> fromSnapshot = encoded(snapshot);
        List<String> fromStream = encoded(streamed);
        for (int i = 0; i < 3; i++) {
            assertThat(fromSnapshot.get(i)).as("row %d", i + 1).isEqualTo(fromStream.get(i));
        }
        assertThat(fromSnapshot.get(0)).contains("\"c_numeric\":\"12345678901234.123456\"", "\"c_mood\":\"happy\"",
                "\"c_domain\":7", "\"c_int_array\":[1,null,-3]", "\"c_jsonb\":{\"a\": [true, null], \"b\": 1}");
    }

    /** Each event's key and after-row, encoded through the one envelope with op and position held equal. */
    private static List<String> encoded(List<ChangeEvent> events) {
        ChangeEventJson json = new ChangeEventJson();
        return events.stream()
                .sorted(Comparator.comparing(e -> (Integer) e.key().get("id")))
                .map(e -> new ChangeEvent(e.table(), Op.CREATE, e.keyColumns(), e.key(), null, e.after(), FIXED))
                .map(e -> new String(json.key(e), StandardCharsets.UTF_8) + " " + new String(json.value(e, 0), StandardCharsets.UTF_8))
                .toList();
    }
}
