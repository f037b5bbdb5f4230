package io.tidelog.log.embedded;

import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.log.Record;
import io.tidelog.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static io.tidelog.log.embedded.Logs.b;
import static io.tidelog.log.embedded.Logs.s;
import static org.assertj.core.api.Assertions.assertThat;

class RecordBatchTest {
    final TopicPartition tp = new TopicPartition("t", 0);
    final List<Record> records = List.of(
            new Record(b("k1"), b("v1"), List.of(new Header("h", b("x"))), 10),
            Record.tombstone(b("k2")),
            new Record(null, b("v3"), List.of(), 30));

    private ByteBuffer encode() {
        int size = records.stream().mapToInt(RecordBatch::sizeOf).sum();
        ByteBuffer b = new BatchWriter().encode(100, records, size, 20);
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b).flip();
        return copy;
    }

    @Test
    void layoutConstantsAreDerivedAndMatchTheDrawnFormat() {
        assertThat(RecordBatch.SEGMENT_HEADER_SIZE).isEqualTo(16);
        assertThat(RecordBatch.LOG_OVERHEAD).isEqualTo(12);
        assertThat(RecordBatch.CRC_OFFSET).isEqualTo(12);
        assertThat(RecordBatch.RECORDS_OFFSET).isEqualTo(50);
        assertThat(RecordBatch.RECORD_OVERHEAD).isEqualTo(29);
    }

    @Test
    void encodesAndDecodesABatch() {
        ByteBuffer b = encode();
        assertThat(RecordBatch.check(b, 0, b.limit(), 0, new CRC32C())).isEqualTo(b.limit());
        assertThat(RecordBatch.baseOffset(b, 0)).isEqualTo(100);
        assertThat(RecordBatch.lastOffset(b, 0)).isEqualTo(102);
        assertThat(RecordBatch.maxTimestamp(b, 0)).isEqualTo(30);
        assertThat(RecordBatch.deleteHorizon(b, 0)).isEqualTo(RecordBatch.NO_DELETE_HORIZON);
        List<LogRecord> out = new ArrayList<>();
        assertThat(RecordBatch.decode(b, 0, tp, 101, 10, out)).isEqualTo(102);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).isTombstone()).isTrue();
        assertThat(out.get(0).timestamp()).isEqualTo(20);
        assertThat(out.get(1).key()).isNull();
        assertThat(s(out.get(1).value())).isEqualTo("v3");
    }

    @ParameterizedTest(name = "flip byte {0}")
    @CsvSource({"12", "16", "20", "49", "55", "80"})
    void anyFlippedByteAfterTheLengthFailsTheCheck(int position) {
        ByteBuffer b = encode();
        b.put(position, (byte) (b.get(position) ^ 0x01));
        assertThat(RecordBatch.check(b, 0, b.limit(), 0, new CRC32C())).isEqualTo(RecordBatch.CORRUPT);
    }

    @Test
    void aTruncatedBatchIsIncompleteAndAnImpossibleLengthIsCorrupt() {
        ByteBuffer b = encode();
        assertThat(RecordBatch.check(b, 0, b.limit() - 1, 0, new CRC32C())).isEqualTo(RecordBatch.INCOMPLETE);
        assertThat(RecordBatch.check(b, 0, 30, 0, new CRC32C())).isEqualTo(RecordBatch.INCOMPLETE);
        b.putInt(RecordBatch.LENGTH_OFFSET, 3);
        assertThat(RecordBatch.check(b, 0, b.limit(), 0, new CRC32C())).isEqualTo(RecordBatch.CORRUPT);
    }

    @Test
    void aBatchBelowTheExpectedBaseOffsetIsCorrupt() {
        ByteBuffer b = encode();
        assertThat(RecordBatch.check(b, 0, b.limit(), 101, new CRC32C())).isEqualTo(RecordBatch.CORRUPT);
    }
}
