package io.tidelog.e2e;

import io.tidelog.harness.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;

/**
 * The source database of {@link SinksEndToEndIT}: {@code sink_types}, a column of every type the log
 * encodes (README, "What lands in the log") with NULLs and edge values, and {@code sink_items(id, v, code)},
 * the table under load, whose {@code code} holds numbers as text except in the poison rows.
 *
 * <p>Values are chosen so that OpenSearch's dynamic mapping of {@code sink_types} takes every row: no
 * text column holds a string that looks like a date, no float column a value beyond a float's range,
 * and json columns keep one shape. A row OpenSearch refused would be a dead letter, and the test
 * asserts there are none but the poison rows.
 */
final class SourceTables {

    static final String[] SCHEMA = {
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        """
        CREATE TABLE sink_types (
          id int PRIMARY KEY, i int, bi bigint, si smallint, num numeric(20,6), r real, d double precision,
          t text, vc varchar(40), b boolean, dt date, tm time, ts timestamp, tstz timestamptz, iv interval,
          u uuid, j json, jb jsonb, ba bytea, ia int[], ta text[], m mood)""",
        "CREATE TABLE sink_items (id int PRIMARY KEY, v int, code text)",
    };

    /** {@code sink_types} rows {@code g} of a series, every column set, every value depending on {@code g}. */
    private static String typesRows(String from, String to) {
        return """
                INSERT INTO sink_types SELECT g, g * 1000 - 500000, g::bigint * 1000000007, (g %% 30000 - 15000)::smallint,
                  (g * 12345.678901)::numeric(20,6), (g * 0.25)::real, (g * 1.1)::double precision,
                  'text ' || g || ' ünïcødé ✓ 🌊 "quoted" back\\slash' || chr(10) || 'second line', 'vc-' || g, g %% 2 = 0,
                  date '2024-02-29' + g, time '10:15:30.123456' + g * interval '1 second',
                  timestamp '2024-03-01 10:15:30.123456' + g * interval '1 minute',
                  timestamptz '2024-03-01 08:15:30.123456+00' + g * interval '1 hour',
                  make_interval(years => 1, months => 2, days => g %% 28, hours => 4, mins => 5, secs => 6.78),
                  md5(g::text)::uuid, json_build_object('n', g, 'tags', json_build_array('a', 'b')),
                  jsonb_build_object('k', 'v' || g, 'nested', jsonb_build_object('x', g * 1.5)),
                  decode(md5(g::text), 'hex'), ARRAY[g, g + 1, NULL]::int[], ARRAY['x', 'y' || g]::text[],
                  (ARRAY['sad', 'ok', 'happy'])[g %% 3 + 1]::mood
                FROM generate_series(%s, %s) g""".formatted(from, to);
    }

    /** Edge values of each type, as one row with key {@code id}. */
    private static String edgeRow(int id) {
        return "INSERT INTO sink_types VALUES (" + id + ", 2147483647, 9223372036854775807, -32768,"
                + " '12345678901234.123456', 3.14, 1e-10, '', repeat('v', 40), false, '1970-01-01', '23:59:59.999999',"
                + " '2038-01-19 03:14:08', '1999-12-31 23:59:59.999999+00', '-1 day -02:03:04',"
                + " '00000000-0000-0000-0000-000000000000', '{\"n\": -1, \"tags\": []}',"
                + " '{\"k\": \"\", \"nested\": {\"x\": -0.5}}', '\\x00ff', '{{1,2},{3,4}}', '{\"with space\",\"quo\\\"te\"}', 'happy')";
    }

    /** A text value PostgreSQL stores out of line (TOAST): about 10 kB that compresses poorly. */
    private static final String TOASTED = "(SELECT string_agg(md5(i::text), '') FROM generate_series(1, 320) i)";

    static final String[] INITIAL_ROWS = {
        typesRows("1", "200"),
        "INSERT INTO sink_types (id) VALUES (0)", // every column NULL
        edgeRow(999),
        "UPDATE sink_types SET t = " + TOASTED + " WHERE id = 11",
        "INSERT INTO sink_items SELECT g, g, (g % 1000)::text FROM generate_series(1, " + SinksEndToEndIT.ITEM_ROWS + ") g",
    };

    /** Phase 1: each statement its own transaction, except the explicit multi-statement ones. */
    static final String[] CHANGES = {
        typesRows("1001", "1010"),
        "INSERT INTO sink_items SELECT g, 0, (g * 7)::text FROM generate_series(5001, 5050) g",
        "UPDATE sink_types SET t = t || ' updated', num = num * 2, jb = jb || '{\"k\": \"changed\"}', ia = ia || 42"
                + " WHERE id % 7 = 0 AND id <> 0",
        "UPDATE sink_types SET i = NULL, bi = NULL, num = NULL, r = NULL, t = NULL, dt = NULL, tstz = NULL, iv = NULL,"
                + " j = NULL, jb = NULL, ba = NULL, ia = NULL, ta = NULL, m = NULL WHERE id IN (3, 4)",
        "UPDATE sink_types SET (i, bi, si, num, r, d, t, vc, b, dt, tm, ts, tstz, iv, u, j, jb, ba, ia, ta, m) ="
                + " (SELECT i, bi, si, num, r, d, t, vc, b, dt, tm, ts, tstz, iv, u, j, jb, ba, ia, ta, m FROM sink_types"
                + " WHERE id = 1) WHERE id = 0", // from all NULL to values
        "UPDATE sink_types SET b = NOT b WHERE id = 11", // leaves the TOASTed t unchanged: PostgreSQL does not send it
        "DELETE FROM sink_types WHERE id IN (5, 6)",
        "DELETE FROM sink_items WHERE id BETWEEN 100 AND 149",
        "UPDATE sink_items SET id = 7000 WHERE id = 30", // a key change: delete of 30, insert of 7000
        "DELETE FROM sink_items WHERE id = 40",
        "INSERT INTO sink_items VALUES (40, 99, '4040')", // a deleted key comes back
        "BEGIN; INSERT INTO sink_items VALUES (6000, 1, '1'); UPDATE sink_items SET v = 2 WHERE id = 6000;"
                + " DELETE FROM sink_items WHERE id = 6000; INSERT INTO sink_items VALUES (6001, 1, '1');"
                + " UPDATE sink_items SET v = 2, code = NULL WHERE id = 6001; DELETE FROM sink_items WHERE id = 41;"
                + " INSERT INTO sink_items VALUES (41, 41, '4141'); COMMIT",
        "BEGIN; " + typesRows("2000", "2000") + "; UPDATE sink_items SET v = -1, code = '2020' WHERE id = 20;"
                + " DELETE FROM sink_items WHERE id = 21; UPDATE sink_types SET vc = 'multi-table' WHERE id = 9;"
                + " DELETE FROM sink_types WHERE id = 10; COMMIT", // one transaction over both tables
    };

    /** Poison rows: a non-numeric {@code code} that OpenSearch's integer mapping refuses. */
    static final Set<String> POISON_IDS = Set.of("8002", "8004", "8007");

    static final String[] POISON = {
        "INSERT INTO sink_items VALUES (8001, 1, '11'), (8002, 1, 'not-a-number'), (8003, 1, '22'), (8004, 1, 'x9')",
        "BEGIN; UPDATE sink_items SET v = v + 1 WHERE id IN (8001, 8003); INSERT INTO sink_items VALUES (8005, 1, '33'); COMMIT",
        "INSERT INTO sink_items VALUES (8006, 1, '44'), (8007, 1, 'abc'), (8008, 1, '55')",
        "UPDATE sink_items SET v = v + 1, code = '66' WHERE id IN (8005, 8006, 8008, 1, 2)", // after the poison
    };

    private SourceTables() {
    }

    /**
     * One transaction that inserts row {@code id} of {@code sink_items} and updates it {@code times} times:
     * as many changes of one row with the same commit LSN, more than one batch of a sink holds.
     */
    static String oneRowChangedInOneTransaction(int id, int times) {
        return "DO $$ BEGIN INSERT INTO sink_items VALUES (" + id + ", 0, '0'); FOR n IN 1.." + times
                + " LOOP UPDATE sink_items SET v = v + 1, code = n::text WHERE id = " + id + "; END LOOP; END $$";
    }

    /** One transaction: row 10 of {@code sink_items} updated 100 times, row 8 of {@code sink_types} 20 times, column by column. */
    static void manyUpdatesOfOneRowInOneTransaction(PostgresServer postgres) throws Exception {
        try (Connection c = postgres.connect(SinksEndToEndIT.DB); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 100; i++) {
                st.execute("UPDATE sink_items SET v = v + 1, code = '" + i + "' WHERE id = 10");
            }
            for (int i = 0; i < 20; i++) {
                st.execute("UPDATE sink_types SET i = i + 1, t = 'pass " + i + "', jb = jsonb_set(jb, '{k}', '\"" + i
                        + "\"'), ts = ts + interval '1 day' WHERE id = 8");
            }
            c.commit();
        }
    }
}
