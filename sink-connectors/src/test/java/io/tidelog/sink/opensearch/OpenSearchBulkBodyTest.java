package io.tidelog.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.event.Op;
import io.tidelog.event.TableId;
import io.tidelog.sink.SinkRecord;
import io.tidelog.sink.TestRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenSearchBulkBodyTest {

    private static final TableId TABLE = new TableId("public", "items");

    @Test
    void writesAnIndexActionWithTheDocumentAndADeleteAction() {
        try (BulkBody body = new BulkBody(10, 1 << 20)) {
            SinkRecord upsert = TestRecords.upsert(TABLE, "{\"id\":1}", "{\"id\":1,\"name\":\"Ada\",\"tags\":[\"a\"],\"n\":null}",
                    Op.CREATE, 100, 90);
            SinkRecord delete = TestRecords.delete(TABLE, "{\"id\":2}", 200, 190);
            assertThat(body.tryAppend(upsert, "public.items", "1")).isTrue();
            assertThat(body.tryAppend(delete, "public.items", "2")).isTrue();

            assertThat(body.text()).isEqualTo("""
                    {"index":{"_index":"public.items","_id":"1","version":100,"version_type":"external_gte"}}
                    {"id":1,"name":"Ada","tags":["a"],"n":null,"_tidelog":{"version":"100/90","op":"c","commit_ts":1700000000100}}
                    {"delete":{"_index":"public.items","_id":"2","version":200,"version_type":"external_gte"}}
                    """);
            assertThat(body.records()).containsExactly(upsert, delete);
            assertThat(body.sizeBytes()).isEqualTo(body.text().getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void writesNoVersionForARecordWithoutOne() {
        SinkRecord versioned = TestRecords.upsert(TABLE, "{\"id\":1}", "{\"id\":1}", 5);
        SinkRecord unversioned = new SinkRecord(versioned.partition(), versioned.offset(), TABLE, versioned.keyText(),
                versioned.key(), Op.UPDATE, false, versioned.after(), null, 7, 10);
        try (BulkBody body = new BulkBody(10, 1 << 20)) {
            body.tryAppend(unversioned, "i", "1");
            assertThat(body.text()).isEqualTo("""
                    {"index":{"_index":"i","_id":"1"}}
                    {"id":1,"_tidelog":{"op":"u","commit_ts":7}}
                    """);
        }
    }

    @Test
    void replacesAColumnNamedLikeTheMetaField() {
        try (BulkBody body = new BulkBody(10, 1 << 20)) {
            body.tryAppend(TestRecords.upsert(TABLE, "{\"id\":1}", "{\"_tidelog\":\"mine\",\"id\":1}", Op.READ, 3, 0),
                    "i", "1");
            assertThat(body.text()).endsWith("""
                    {"id":1,"_tidelog":{"version":"3/0","op":"r","commit_ts":1700000000003}}
                    """);
        }
    }

    @Test
    void isFullAtMaxActions() {
        try (BulkBody body = new BulkBody(2, 1 << 20)) {
            assertThat(body.tryAppend(TestRecords.upsert(TABLE, "{\"id\":1}", "{\"id\":1}", 1), "i", "1")).isTrue();
            assertThat(body.tryAppend(TestRecords.upsert(TABLE, "{\"id\":2}", "{\"id\":2}", 1), "i", "2")).isTrue();
            String full = body.text();
            assertThat(body.tryAppend(TestRecords.upsert(TABLE, "{\"id\":3}", "{\"id\":3}", 1), "i", "3")).isFalse();
            assertThat(body.text()).isEqualTo(full);
            assertThat(body.records()).hasSize(2);
        }
    }

    @Test
    void refusesARecordThatWouldPassMaxBytesButAlwaysTakesTheFirst() {
        SinkRecord big = TestRecords.upsert(TABLE, "{\"id\":1}", "{\"id\":1,\"text\":\"" + "x".repeat(500) + "\"}", 1);
        SinkRecord small = TestRecords.upsert(TABLE, "{\"id\":2}", "{\"id\":2}", 1);
        try (BulkBody body = new BulkBody(100, 400)) {
            assertThat(body.tryAppend(big, "i", "1")).isTrue();
            assertThat(body.sizeBytes()).isGreaterThan(400);
            assertThat(body.tryAppend(small, "i", "2")).isFalse();
            assertThat(body.records()).containsExactly(big);

            body.reset();
            assertThat(body.isEmpty()).isTrue();
            assertThat(body.tryAppend(small, "i", "2")).isTrue();
            int one = body.sizeBytes();
            assertThat(body.tryAppend(TestRecords.upsert(TABLE, "{\"id\":3}", "{\"id\":3}", 1), "i", "3")).isTrue();
            assertThat(body.sizeBytes()).isLessThanOrEqualTo(400).isGreaterThan(one);
            assertThat(body.text()).startsWith("{\"index\":{\"_index\":\"i\",\"_id\":\"2\"");
        }
    }

    @Test
    void theEntityIsTheText() throws IOException {
        try (BulkBody body = new BulkBody(10, 1 << 20)) {
            body.tryAppend(TestRecords.upsert(TABLE, "{\"id\":\"ü\"}", "{\"id\":\"ü\"}", 1), "i", "ü");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            body.entity().writeTo(out);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(body.text());
            assertThat(body.entity().getContentType().getValue()).isEqualTo("application/x-ndjson");
        }
    }
}
