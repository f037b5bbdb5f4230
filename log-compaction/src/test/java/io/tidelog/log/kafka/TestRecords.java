package io.tidelog.log.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.log.Record;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records written by {@link KafkaChangeLogIT} and the check that one was read back unchanged. */
final class TestRecords {

    /** A fixed create time in the past (2023), for timestamp look-ups. */
    static final long T0 = 1_700_000_000_000L;

    private TestRecords() {
    }

    /** Keyed records with a header and a timestamp; every tenth a tombstone. */
    static List<Record> records(int n) {
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i % 10 == 9 ? new Record(b("k" + i), null, List.of(new Header("op", b("d"))), T0 + i)
                    : new Record(b("k" + i), b("v" + i), List.of(new Header("op", b("c")), new Header("n", null)), T0 + i));
        }
        return out;
    }

    static void assertSame(Record written, LogRecord read) {
        assertThat(read.key()).isEqualTo(written.key());
        assertThat(read.value()).isEqualTo(written.value());
        assertThat(read.isTombstone()).isEqualTo(written.isTombstone());
        assertThat(read.timestamp()).isEqualTo(written.timestamp());
        assertThat(read.headers()).hasSameSizeAs(written.headers());
        for (int h = 0; h < written.headers().size(); h++) {
            assertThat(read.headers().get(h).key()).isEqualTo(written.headers().get(h).key());
            assertThat(read.headers().get(h).value()).isEqualTo(written.headers().get(h).value());
        }
    }

    /** Call {@code i} to partition {@code p}: every third call two records, else one. */
    static List<Record> batch(int p, int i) {
        return i % 3 == 0
                ? List.of(Record.of(b(p + "-" + i + "a"), b(i + "a")), Record.of(b(p + "-" + i + "b"), b(i + "b")))
                : List.of(Record.of(b(p + "-" + i), b(Integer.toString(i))));
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
