package io.tidelog.sink.duckdb;

import static io.tidelog.sink.TestRecords.delete;
import static io.tidelog.sink.TestRecords.tombstone;
import static io.tidelog.sink.TestRecords.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.event.Op;
import io.tidelog.event.TableId;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DuckDbSinkTest {

    private static final TableId ORDERS = new TableId("public", "orders");
    private static final TableId LINES = new TableId("sales", "order\"lines");

    @TempDir
    Path dir;

    private DuckDbSink sink;
    private Connection reader;

    @BeforeEach
    void open() throws Exception {
        sink = openSink();
        reader = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("w.duckdb"));
    }

    @AfterEach
    void close() throws SQLException {
        sink.close();
        reader.close();
    }

    @Test
    void insertsUpdatesDeletesAndTombstonesGiveTheCurrentState() throws Exception {
        write(up("{\"id\":1}", "{\"id\":1,\"name\":\"ann\",\"qty\":1}", Op.CREATE, 10),
                up("{\"id\":2}", "{\"id\":2,\"name\":\"bob\",\"qty\":2}", Op.CREATE, 11),
                up("{\"id\":3}", "{\"id\":3,\"name\":\"cy\",\"qty\":3}", Op.CREATE, 12));
        write(up("{\"id\":1}", "{\"id\":1,\"name\":\"ann\",\"qty\":5}", Op.UPDATE, 20),
                delete(ORDERS, "{\"id\":2}", 21, 21), tombstone(ORDERS, "{\"id\":2}", 21, 21));

        assertThat(rows("SELECT id, name, qty FROM main.public_orders_live ORDER BY id"))
                .containsExactly("1|ann|5", "3|cy|3");
        assertThat(rows("SELECT id, name, _tidelog_deleted, _tidelog_version_major FROM main.public_orders ORDER BY id"))
                .containsExactly("1|ann|false|20", "2|null|true|21", "3|cy|false|12");
        assertThat(rows("SELECT id, _tidelog_op, _tidelog_version_major, name FROM main.public_orders_history ORDER BY ALL"))
                .containsExactly("1|c|10|ann", "1|u|20|ann", "2|c|11|bob", "2|d|21|null", "3|c|12|cy");
        assertThat(rows("SELECT _tidelog_commit_time FROM main.public_orders_history WHERE _tidelog_op = 'd'"))
                .containsExactly("2023-11-14T22:13:20.021Z"); // TestRecords: 1_700_000_000_000 + major millis
    }

    @Test
    void newestOfManyUpdatesInOneBatchWinsAndHistoryHasEachOnce() throws Exception {
        List<SinkRecord> batch = new ArrayList<>();
        for (int v = 1; v <= 100; v++) {
            batch.add(up("{\"id\":7}", "{\"id\":7,\"qty\":" + v + "}", Op.UPDATE, 1000 + v));
        }
        Collections.shuffle(batch, new Random(7));
        batch.addAll(batch.subList(0, 10)); // the same events twice in one batch

        write(batch.toArray(SinkRecord[]::new));

        assertThat(rows("SELECT id, qty, _tidelog_version_major FROM main.public_orders_live")).containsExactly("7|100|1100");
        assertThat(rows("SELECT count(*), count(DISTINCT qty) FROM main.public_orders_history")).containsExactly("100|100");
    }

    @Test
    void olderUpsertOrDeleteAfterNewerStateIsIgnored() throws Exception {
        write(up("{\"id\":1}", "{\"id\":1,\"qty\":10}", Op.UPDATE, 10));
        write(up("{\"id\":1}", "{\"id\":1,\"qty\":5}", Op.UPDATE, 5), delete(ORDERS, "{\"id\":1}", 7, 7));
        assertThat(rows("SELECT id, qty FROM main.public_orders_live")).containsExactly("1|10");

        write(delete(ORDERS, "{\"id\":1}", 20, 20));
        write(up("{\"id\":1}", "{\"id\":1,\"qty\":15}", Op.CREATE, 15)); // older than the delete: no resurrection
        assertThat(rows("SELECT count(*) FROM main.public_orders_live")).containsExactly("0");
        assertThat(rows("SELECT _tidelog_deleted, _tidelog_version_major FROM main.public_orders")).containsExactly("true|20");

        write(up("{\"id\":1}", "{\"id\":1,\"qty\":30}", Op.CREATE, 30)); // newer: re-inserted
        assertThat(rows("SELECT id, qty FROM main.public_orders_live")).containsExactly("1|30");
        // history records every event it received, older ones included, each once
        assertThat(rows("SELECT _tidelog_op, _tidelog_version_major FROM main.public_orders_history ORDER BY 2"))
                .containsExactly("u|5", "d|7", "u|10", "c|15", "d|20", "c|30");
    }

    @Test
    void versionsCompareUnsignedLikeLsns() throws Exception {
        write(up("{\"id\":1}", "{\"id\":1,\"qty\":1}", Op.UPDATE, Long.MAX_VALUE));
        write(up("{\"id\":1}", "{\"id\":1,\"qty\":2}", Op.UPDATE, Long.MIN_VALUE)); // 2^63: above Long.MAX_VALUE unsigned

        assertThat(rows("SELECT qty, _tidelog_version_major FROM main.public_orders_live"))
                .containsExactly("2|9223372036854775808");
    }

    @Test
    void streamedChangeAfterSnapshotReadWinsThoughItsMinorIsBelowTheSnapshotPoint() throws Exception {
        long snapshotPoint = 5000;
        SinkRecord read = upsert(ORDERS, "{\"id\":1}", "{\"id\":1,\"qty\":1}", Op.READ, snapshotPoint, 0);
        SinkRecord streamed = upsert(ORDERS, "{\"id\":1}", "{\"id\":1,\"qty\":2}", Op.UPDATE, snapshotPoint + 100, 4000);

        write(read);
        write(streamed);
        write(read); // the snapshot replayed

        assertThat(rows("SELECT qty, _tidelog_version_major, _tidelog_version_minor FROM main.public_orders_live"))
                .containsExactly("2|5100|4000");
        assertThat(rows("SELECT _tidelog_op, _tidelog_version_minor FROM main.public_orders_history ORDER BY 2"))
                .containsExactly("r|0", "u|4000");
    }

    @Test
    void replayingTheWholeLogInOtherSplitsLeavesBothTablesUnchanged() throws Exception {
        List<SinkRecord> log = List.of(
                up("{\"id\":1}", "{\"id\":1,\"name\":\"a\"}", Op.READ, 100, 0),
                up("{\"id\":2}", "{\"id\":2,\"name\":\"b\"}", Op.READ, 100, 0),
                up("{\"id\":1}", "{\"id\":1,\"name\":\"a2\",\"qty\":3}", Op.UPDATE, 200),
                delete(ORDERS, "{\"id\":2}", 210, 205), tombstone(ORDERS, "{\"id\":2}", 210, 205),
                up("{\"id\":3}", "{\"id\":3,\"name\":\"c\",\"qty\":\"many\"}", Op.CREATE, 220),
                up("{\"id\":2}", "{\"id\":2,\"name\":\"b again\"}", Op.CREATE, 230),
                up("{\"id\":1}", "{\"id\":1,\"name\":\"a3\",\"qty\":4,\"tags\":[\"x\"]}", Op.UPDATE, 240),
                delete(ORDERS, "{\"id\":3}", 250, 250));
        writeInBatches(log, 2);
        List<String> current = rows("SELECT * FROM main.public_orders ORDER BY ALL");
        List<String> history = rows("SELECT * FROM main.public_orders_history ORDER BY ALL");

        writeInBatches(log, 1);
        writeInBatches(log, 100);
        writeInBatches(log.subList(3, 7), 3);
        List<SinkRecord> reversed = new ArrayList<>(log);
        Collections.reverse(reversed);
        writeInBatches(reversed, 4);

        assertThat(rows("SELECT * FROM main.public_orders ORDER BY ALL")).isEqualTo(current);
        assertThat(rows("SELECT * FROM main.public_orders_history ORDER BY ALL")).isEqualTo(history);
        assertThat(rows("SELECT id, name, qty, tags FROM main.public_orders_live ORDER BY id"))
                .containsExactly("1|a3|4|[\"x\"]", "2|b again|null|null");
        assertThat(history).hasSize(8);
    }

    /**
     * Random histories of a few rows, written in random batch splits and orders, then partly replayed:
     * the live rows always equal a model that keeps the newest event per key.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void anyOrderAndReplayConvergeToTheNewestEventPerKey(long seed) throws Exception {
        Random random = new Random(seed);
        List<SinkRecord> log = new ArrayList<>();
        TreeMap<Integer, String> model = new TreeMap<>(); // id -> "id|qty" of the newest event, absent if deleted
        long lsn = 1000;
        for (int id = 0; id < 12; id++) { // a snapshot at point 1000
            log.add(upsert(ORDERS, key(id), "{\"id\":" + id + ",\"qty\":" + id + "}", Op.READ, 1000, 0));
            model.put(id, id + "|" + id);
        }
        for (int i = 0; i < 150; i++) {
            int id = random.nextInt(15);
            lsn += 1 + random.nextInt(5);
            long minor = lsn - random.nextInt(900); // a transaction that began before the snapshot point
            if (random.nextInt(4) == 0) {
                log.add(delete(ORDERS, key(id), lsn, minor));
                model.remove(id);
            } else {
                int qty = random.nextInt(1000);
                log.add(upsert(ORDERS, key(id), "{\"id\":" + id + ",\"qty\":" + qty + "}", Op.UPDATE, lsn, minor));
                model.put(id, id + "|" + qty);
            }
        }
        List<SinkRecord> shuffled = new ArrayList<>(log);
        Collections.shuffle(shuffled, random);
        writeInBatches(shuffled, 1 + random.nextInt(40));
        List<String> history = rows("SELECT * FROM main.public_orders_history ORDER BY ALL");
        int from = random.nextInt(log.size());
        writeInBatches(log.subList(from, from + random.nextInt(log.size() - from)), 1 + random.nextInt(20));

        assertThat(rows("SELECT id, qty FROM main.public_orders_live ORDER BY id")).containsExactlyElementsOf(model.values());
        assertThat(rows("SELECT * FROM main.public_orders_history ORDER BY ALL")).isEqualTo(history).hasSize(log.size());
    }

    @Test
    void newColumnIsAddedToBothTablesAndAGoneColumnIsKept() throws Exception {
        write(up("{\"id\":1}", "{\"id\":1,\"name\":\"a\"}", Op.CREATE, 10));
        write(up("{\"id\":2}", "{\"id\":2,\"name\":\"b\",\"score\":2.5}", Op.CREATE, 20));
        write(up("{\"id\":3}", "{\"id\":3,\"score\":3}", Op.CREATE, 30)); // name gone from the source

        assertThat(rows("SELECT id, name, score FROM main.public_orders_live ORDER BY id"))
                .containsExactly("1|a|null", "2|b|2.5", "3|null|3.0");
        assertThat(rows("SELECT id, name, score FROM main.public_orders_history ORDER BY id"))
                .containsExactly("1|a|null", "2|b|2.5", "3|null|3.0");
        assertThat(columnTypes("public_orders")).containsSubsequence("id BIGINT", "name VARCHAR", "score DOUBLE");
        assertThat(columnTypes("public_orders_history")).containsSubsequence("id BIGINT", "name VARCHAR", "score DOUBLE");
    }

    @Test
    void inferredTypesWidenToVarcharWhenAValueDoesNotFit() throws Exception {
        write(up("{\"id\":1}", "{\"id\":1,\"n\":5,\"ok\":true,\"doc\":{\"a\":[1]},\"none\":null,\"amount\":\"19.90\"}",
                Op.CREATE, 10));
        assertThat(columnTypes("public_orders")).containsSubsequence(
                "id BIGINT", "n BIGINT", "ok BOOLEAN", "doc JSON", "none VARCHAR", "amount VARCHAR");

        write(up("{\"id\":2}", "{\"id\":2,\"n\":\"five\",\"ok\":1,\"doc\":\"text\",\"none\":7,\"amount\":\"0.10\"}",
                Op.CREATE, 20));

        assertThat(columnTypes("public_orders")).containsSubsequence(
                "id BIGINT", "n VARCHAR", "ok VARCHAR", "doc JSON", "none VARCHAR", "amount VARCHAR");
        assertThat(columnTypes("public_orders_history")).containsSubsequence("n VARCHAR", "ok VARCHAR");
        assertThat(rows("SELECT n, ok, doc, none, amount::DECIMAL(12,2) FROM main.public_orders_live ORDER BY id"))
                .containsExactly("5|true|{\"a\":[1]}|null|19.90", "five|1|\"text\"|7|0.10");
    }

    @Test
    void doubleColumnsHoldTheLogsNonFiniteStrings() throws Exception {
        write(up("{\"id\":1}", "{\"id\":1,\"score\":1.5}", Op.CREATE, 10),
                up("{\"id\":2}", "{\"id\":2,\"score\":\"NaN\"}", Op.CREATE, 11),
                up("{\"id\":3}", "{\"id\":3,\"score\":\"-Infinity\"}", Op.CREATE, 12),
                up("{\"id\":4}", "{\"id\":4,\"score\":7}", Op.CREATE, 13));

        assertThat(columnTypes("public_orders")).contains("score DOUBLE");
        assertThat(rows("SELECT score FROM main.public_orders_live ORDER BY id")).containsExactly("1.5", "NaN", "-Infinity", "7.0");
    }

    @Test
    void closeIsIdempotentAndFinal() {
        sink.close();
        sink.close();

        assertThatThrownBy(() -> sink.write(List.of(up("{\"id\":1}", "{\"id\":1}", Op.CREATE, 10))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void compositeKeysAndQuotedIdentifiers() throws Exception {
        String key1 = "{\"tenant\":\"acme\",\"we\\\"ird\":1}";
        String key2 = "{\"tenant\":\"acme\",\"we\\\"ird\":2}";
        String key3 = "{\"tenant\":\"bolt\",\"we\\\"ird\":1}";
        write(upsert(LINES, key1, "{\"tenant\":\"acme\",\"we\\\"ird\":1,\"select\":\"x\",\"Mixed Case\":1}", Op.CREATE, 10, 10),
                upsert(LINES, key2, "{\"tenant\":\"acme\",\"we\\\"ird\":2,\"select\":\"y\",\"Mixed Case\":2}", Op.CREATE, 11, 11),
                upsert(LINES, key3, "{\"tenant\":\"bolt\",\"we\\\"ird\":1,\"select\":\"z\",\"Mixed Case\":3}", Op.CREATE, 12, 12));
        sink.close();
        sink = openSink(); // reads the composite primary key back from the catalog
        write(delete(LINES, key2, 20, 20),
                upsert(LINES, key3, "{\"tenant\":\"bolt\",\"we\\\"ird\":1,\"select\":\"zz\",\"Mixed Case\":null}", Op.UPDATE, 21, 21));

        assertThat(rows("SELECT * EXCLUDE (_tidelog_version_major, _tidelog_version_minor, _tidelog_commit_time)"
                + " FROM main.\"sales_order\"\"lines_live\" ORDER BY ALL"))
                .containsExactly("acme|1|x|1", "bolt|1|zz|null");
        assertThat(rows("SELECT constraint_column_names[1], constraint_column_names[2] FROM duckdb_constraints()"
                + " WHERE table_name = 'sales_order\"lines' AND constraint_type = 'PRIMARY KEY'"))
                .containsExactly("tenant|we\"ird");
    }

    @Test
    void restartReadsTheLayoutBack() throws Exception {
        write(up("{\"id\":1}", "{\"id\":1,\"n\":5}", Op.CREATE, 10));
        sink.close();
        sink = openSink();

        write(up("{\"id\":1}", "{\"id\":1,\"n\":\"x\",\"extra\":true}", Op.UPDATE, 20),
                up("{\"id\":2}", "{\"id\":2,\"n\":6}", Op.CREATE, 15));

        assertThat(rows("SELECT id, n, extra FROM main.public_orders_live ORDER BY id")).containsExactly("1|x|true", "2|6|null");
    }

    @Test
    void rejectsRecordsItCannotOrderOrKeyAndWritesTheRest() throws Exception {
        write(up("{\"id\":1}", "{\"id\":1}", Op.CREATE, 10));
        SinkRecord good = up("{\"id\":2}", "{\"id\":2}", Op.CREATE, 11);
        SinkRecord unversioned = new SinkRecord(good.partition(), 99, ORDERS, "{\"id\":3}", good.key(), Op.CREATE, false,
                good.after(), null, 0, 10);
        SinkRecord reserved = up("{\"id\":4}", "{\"id\":4,\"_tidelog_deleted\":false}", Op.CREATE, 12);
        SinkRecord otherKey = upsert(ORDERS, "{\"code\":\"x\"}", "{\"code\":\"x\"}", Op.CREATE, 13, 13);
        SinkRecord keyDoesNotFit = up("{\"id\":\"five\"}", "{\"id\":\"five\"}", Op.CREATE, 14);

        List<Rejection> rejected = sink.write(List.of(good, unversioned, reserved, otherKey, keyDoesNotFit));
        sink.flush();

        assertThat(rejected).extracting(Rejection::record).containsExactly(unversioned, reserved, otherKey, keyDoesNotFit);
        assertThat(rejected).extracting(Rejection::reason).satisfiesExactly(
                r -> assertThat(r).contains("no change version"),
                r -> assertThat(r).contains("_tidelog_deleted"),
                r -> assertThat(r).contains("[code]").contains("[id]"),
                r -> assertThat(r).contains("'id' is BIGINT").contains("\"five\""));
        assertThat(rows("SELECT id FROM main.public_orders_live ORDER BY id")).containsExactly("1", "2");
    }

    @Test
    void aFailedBatchRollsBackItsRowsAndColumnsAndTheNextBatchWorks() throws Exception {
        write(up("{\"id\":1}", "{\"id\":1,\"name\":\"a\"}", Op.CREATE, 10));

        // DuckDB identifiers are case-insensitive: "Name" collides with "name" when added
        List<SinkRecord> bad = List.of(up("{\"id\":2}", "{\"id\":2,\"extra\":1}", Op.CREATE, 20),
                up("{\"id\":3}", "{\"id\":3,\"Name\":\"b\"}", Op.CREATE, 21));
        assertThatThrownBy(() -> sink.write(bad))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(sink.classifier().isRetriable(e)).isFalse());
        assertThat(columnTypes("public_orders")).noneMatch(c -> c.startsWith("extra"));
        assertThat(rows("SELECT id FROM main.public_orders_history")).containsExactly("1");

        write(up("{\"id\":2}", "{\"id\":2,\"extra\":1}", Op.CREATE, 20));
        assertThat(rows("SELECT id, name, extra FROM main.public_orders_live ORDER BY id")).containsExactly("1|a|null", "2|null|1");
    }

    @Test
    void severalTablesInOneBatch() throws Exception {
        write(up("{\"id\":1}", "{\"id\":1}", Op.CREATE, 10),
                upsert(LINES, "{\"tenant\":\"t\",\"no\":1}", "{\"tenant\":\"t\",\"no\":1,\"v\":1}", Op.CREATE, 10, 10),
                up("{\"id\":2}", "{\"id\":2}", Op.CREATE, 11));

        assertThat(rows("SELECT count(*) FROM main.public_orders_live")).containsExactly("2");
        assertThat(rows("SELECT tenant, no, v FROM main.\"sales_order\"\"lines_live\"")).containsExactly("t|1|1");
    }

    @Test
    void writesAFiftyThousandRowBatch() throws Exception {
        int n = 50_000;
        List<SinkRecord> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(up("{\"id\":" + i + "}", "{\"id\":" + i + ",\"name\":\"customer " + i + "\",\"amount\":\"" + i
                    + ".25\",\"qty\":" + (i % 100) + ",\"paid\":" + (i % 2 == 0) + ",\"created_at\":\"2024-03-01T08:15:30.123456Z\"}",
                    Op.CREATE, 1_000_000 + i));
        }
        write(batch.subList(0, 10).toArray(SinkRecord[]::new)); // tables created outside the timing

        long start = System.nanoTime();
        sink.write(batch);
        sink.flush();
        double seconds = (System.nanoTime() - start) / 1e9;

        System.out.printf("DuckDB sink: %,d rows in one batch in %.3f s = %,.0f rows/s%n", n, seconds, n / seconds);
        assertThat(rows("SELECT count(*), sum(amount::DECIMAL(12,2)) FROM main.public_orders_live"))
                .containsExactly("50000|1249987500.00");
        assertThat(rows("SELECT count(*) FROM main.public_orders_history")).containsExactly("50000");
    }

    private DuckDbSink openSink() throws Exception {
        DuckDbSink opened = new DuckDbSink(DuckDbSinkSettings.defaults(dir.resolve("w.duckdb")));
        opened.open(new SinkContext("warehouse", Set.of(ORDERS, LINES)));
        return opened;
    }

    private static SinkRecord up(String key, String row, Op op, long major) {
        return upsert(ORDERS, key, row, op, major, major);
    }

    private static SinkRecord up(String key, String row, Op op, long major, long minor) {
        return upsert(ORDERS, key, row, op, major, minor);
    }

    private static String key(int id) {
        return "{\"id\":" + id + "}";
    }

    private void write(SinkRecord... records) throws Exception {
        assertThat(sink.write(List.of(records))).isEmpty();
        sink.flush();
    }

    private void writeInBatches(List<SinkRecord> records, int size) throws Exception {
        for (int from = 0; from < records.size(); from += size) {
            write(records.subList(from, Math.min(records.size(), from + size)).toArray(SinkRecord[]::new));
        }
    }

    /** Each row as its values' text joined by {@code |}. */
    private List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement statement = reader.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            int width = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                StringJoiner row = new StringJoiner("|");
                for (int i = 1; i <= width; i++) {
                    row.add(String.valueOf(rows.getString(i)));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    /** {@code column TYPE} for each column of a table in main, in order. */
    private List<String> columnTypes(String table) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String row : rows("SELECT column_name || ' ' || data_type FROM duckdb_columns()"
                + " WHERE schema_name = 'main' AND table_name = '" + table + "' ORDER BY column_index")) {
            out.add(row);
        }
        return out;
    }
}
