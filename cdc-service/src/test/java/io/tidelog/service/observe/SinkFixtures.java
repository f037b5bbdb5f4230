package io.tidelog.service.observe;

import io.tidelog.event.PositionBytes;
import io.tidelog.event.SourcePosition;
import io.tidelog.event.TableId;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.Header;
import io.tidelog.log.Record;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.RetriableSinkException;
import io.tidelog.sink.Sink;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A table topic written as capture writes it, and a stand-in target, for tests of a real runner. */
final class SinkFixtures {

    static final TableId TABLE = new TableId("public", "items");
    static final String TOPIC = "t.public.items";

    private SinkFixtures() {
    }

    /** Appends an update of row {@code id} to {@code v}, as capture writes it. */
    static void append(ChangeLog log, int id, int v, long timestamp, long commitLsn) {
        String envelope = "{\"before\":null,\"after\":{\"id\":" + id + ",\"v\":" + v + "},\"op\":\"u\",\"source\":{\"lsn\":"
                + (commitLsn - 1) + ",\"commit_lsn\":" + commitLsn + ",\"ts_ms\":" + timestamp + "}}";
        SourcePosition position = new SourcePosition(commitLsn - 1, commitLsn, 7, Instant.ofEpochMilli(timestamp), false);
        try {
            log.append(TOPIC, new Record(("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8),
                    envelope.getBytes(StandardCharsets.UTF_8),
                    List.of(new Header(PositionBytes.HEADER, PositionBytes.encode(position))), timestamp)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A target that accepts everything, or fails retriably while {@link #down}; each write takes {@link #pause}. */
    static final class StandInSink implements Sink {

        volatile boolean down;
        volatile Duration pause = Duration.ZERO;

        @Override
        public void open(SinkContext context) {
        }

        @Override
        public List<Rejection> write(List<SinkRecord> batch) throws Exception {
            if (down) {
                throw new RetriableSinkException("target down");
            }
            Thread.sleep(pause.toMillis());
            return List.of();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
