package io.tidelog.sink.opensearch;

import static io.tidelog.sink.TestRecords.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.event.TableId;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.SinkRecord;
import io.tidelog.sink.TestRecords;
import io.tidelog.sink.opensearch.BulkResponseReader.ItemResult;
import io.tidelog.sink.opensearch.BulkResponseReader.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenSearchBulkResponseTest {

    private static final TableId TABLE = new TableId("public", "items");

    @ParameterizedTest
    @CsvSource({
            "false, 201, APPLIED",
            "false, 200, APPLIED",
            "true,  200, APPLIED",
            "false, 409, SUPERSEDED",
            "true,  409, SUPERSEDED",
            "true,  404, ABSENT",
            "false, 404, REJECTED",
            "false, 400, REJECTED",
            "false, 403, REJECTED",
            "false, 429, RETRY",
            "true,  429, RETRY",
            "false, 500, RETRY",
            "false, 503, RETRY"})
    void sortsItemsByStatus(boolean delete, int status, ItemResult result) {
        assertThat(ItemResult.of(delete, status)).isEqualTo(result);
    }

    @Test
    void mapsEachItemToItsRecord() {
        List<SinkRecord> records = List.of(
                TestRecords.upsert(TABLE, "{\"id\":1}", "{\"id\":1}", 5),
                TestRecords.upsert(TABLE, "{\"id\":2}", "{\"id\":2,\"price\":\"x\"}", 5),
                TestRecords.delete(TABLE, "{\"id\":3}", 5, 5),
                TestRecords.upsert(TABLE, "{\"id\":4}", "{\"id\":4}", 5),
                TestRecords.upsert(TABLE, "{\"id\":5}", "{\"id\":5}", 5));
        Outcome outcome = BulkResponseReader.read(JSON.readTree("""
                {"errors":true,"items":[
                 {"index":{"status":201}},
                 {"index":{"status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [price]",
                   "caused_by":{"type":"number_format_exception","reason":"For input string: \\"x\\""}}}},
                 {"delete":{"status":404}},
                 {"index":{"status":409,"error":{"type":"version_conflict_engine_exception","reason":"current version [9]"}}},
                 {"index":{"status":429,"error":{"type":"rejected_execution_exception","reason":"queue full"}}}]}
                """), records);

        assertThat(outcome.rejected()).containsExactly(new Rejection(records.get(1),
                "mapper_parsing_exception: failed to parse field [price]"
                        + " (caused by number_format_exception: For input string: \"x\")"));
        assertThat(outcome.retriable()).isEqualTo(1);
        assertThat(outcome.firstRetriable()).isEqualTo("429 rejected_execution_exception: queue full");
    }

    @Test
    void skipsTheItemsWhenThereAreNoErrors() {
        Outcome outcome = BulkResponseReader.read(JSON.readTree("{\"errors\":false,\"items\":[{\"index\":{\"status\":201}}]}"),
                List.of(TestRecords.upsert(TABLE, "{\"id\":1}", "{\"id\":1}", 5)));
        assertThat(outcome.rejected()).isEmpty();
        assertThat(outcome.retriable()).isZero();
    }

    @Test
    void refusesAResponseThatDoesNotMatchTheRequest() {
        assertThatThrownBy(() -> BulkResponseReader.read(JSON.readTree("{\"errors\":true,\"items\":[]}"),
                List.of(TestRecords.upsert(TABLE, "{\"id\":1}", "{\"id\":1}", 5))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("bulk response has 0 items for 1 actions");
    }
}
