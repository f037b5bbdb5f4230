package io.tidelog.sink.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.event.TableId;
import io.tidelog.sink.TestRecords;
import io.tidelog.sink.redis.RedisSinkSettings.Format;
import io.tidelog.sink.redis.VersionedWriteScript.Call;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class VersionedWriteScriptTest {

    private static final TableId ORDERS = new TableId("shop", "orders");
    private static final RedisSinkSettings SETTINGS = RedisSinkSettings.defaults("redis://127.0.0.1:6379");

    @Test
    void hashFieldsAreStringsAsTextOthersAsJsonAndNoNulls() {
        ObjectNode row = (ObjectNode) TestRecords.JSON.readTree("""
                {"id":3,"name":"Ada \\"A\\"","price":"12.50","paid":true,"note":null,
                 "tags":["a","b"],"address":{"city":"Oslo","zip":null},"ratio":0.25}""");

        assertThat(VersionedWriteScript.hashFields(row)).containsExactly(
                "id", "3", "name", "Ada \"A\"", "price", "12.50", "paid", "true",
                "tags", "[\"a\",\"b\"]", "address", "{\"city\":\"Oslo\",\"zip\":null}", "ratio", "0.25");
    }

    @Test
    void anUpsertCallCarriesKeysVersionExpiryAndTheCompactRow() {
        VersionedWriteScript script = new VersionedWriteScript(SETTINGS.withTtl(Duration.ofSeconds(90)));

        Call call = script.call(TestRecords.upsert(ORDERS, "{\"tenant\":\"acme\",\"id\":3}",
                "{ \"tenant\": \"acme\", \"id\": 3, \"total\": \"9.90\" }", io.tidelog.event.Op.CREATE, 700, 650));

        assertThat(call.keys()).containsExactly("orders:acme:3", "tidelog:version:shop.orders");
        assertThat(call.args()).containsExactly("upsert", "string", "700/650", "90000", "1",
                "{\"tenant\":\"acme\",\"id\":3,\"total\":\"9.90\"}");
    }

    @Test
    void deletesAndTombstonesCarryNoRowAndUnsignedVersions() {
        VersionedWriteScript script = new VersionedWriteScript(SETTINGS.withFormat(Format.HASH));

        Call delete = script.call(TestRecords.delete(ORDERS, "{\"id\":3}", -1L, Long.MAX_VALUE));
        Call tombstone = script.call(TestRecords.tombstone(ORDERS, "{\"id\":3}", 5, 4));

        assertThat(delete.args()).containsExactly("delete", "hash", "18446744073709551615/9223372036854775807", "0", "0");
        assertThat(tombstone.args()).containsExactly("delete", "hash", "5/4", "0", "0");
        assertThat(VersionedWriteScript.batch(java.util.List.of(delete, tombstone)).keys())
                .containsExactly("orders:3", "tidelog:version:shop.orders", "orders:3", "tidelog:version:shop.orders");
        assertThat(VersionedWriteScript.batch(java.util.List.of(delete, tombstone)).args()).hasSize(10);
    }
}
