package io.tidelog.sink.runner;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * A sink's dead-letter topic, {@code _tidelog.dlq.<sink>}: the records its target rejected for good,
 * each exactly as it was in the log (key, value, headers) plus headers saying where it came from and
 * why it was rejected. One partition, so it reads in the order records were rejected; delete
 * retention (7 days), not compaction: every rejection is kept, even two of the same row.
 *
 * <p>Appends return once durable: the runner commits the sink's offsets past a rejected record only
 * after the record is safe here, so nothing is lost between the two.
 */
public final class DeadLetters {

    /** Headers added to each dead letter. */
    public static final String TOPIC = "tidelog.dlq.topic";
    public static final String PARTITION = "tidelog.dlq.partition";
    public static final String OFFSET = "tidelog.dlq.offset";
    public static final String REASON = "tidelog.dlq.reason";
    public static final String TIME = "tidelog.dlq.time";

    private static final int MAX_REASON_CHARS = 4000;

    private final ChangeLog log;
    private final TopicPartition partition;
    private final Clock clock;

    DeadLetters(ChangeLog log, String sinkName, Clock clock) {
        this.log = log;
        this.partition = new TopicPartition(topicFor(sinkName), 0);
        this.clock = clock;
        log.createTopic(partition.topic(), TopicConfig.DEFAULT);
    }

    /** The dead-letter topic of a sink. */
    public static String topicFor(String sinkName) {
        return "_tidelog.dlq." + sinkName;
    }

    TopicPartition partition() {
        return partition;
    }

    /** How many dead letters the topic holds. */
    long size() {
        return log.endOffset(partition) - log.logStartOffset(partition);
    }

    /** Appends the records with their reasons; returns when they are durable. */
    void append(List<LogRecord> records, List<String> reasons) throws InterruptedException {
        if (records.isEmpty()) {
            return;
        }
        long now = clock.millis();
        List<Record> letters = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            LogRecord r = records.get(i);
            List<Header> headers = new ArrayList<>(r.headers());
            headers.add(header(TOPIC, r.partition().topic()));
            headers.add(header(PARTITION, Integer.toString(r.partition().partition())));
            headers.add(header(OFFSET, Long.toString(r.offset())));
            headers.add(header(REASON, truncate(reasons.get(i))));
            headers.add(header(TIME, Long.toString(now)));
            letters.add(new Record(r.key(), r.value(), headers, r.timestamp()));
        }
        try {
            log.append(partition, letters).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not write " + records.size() + " dead letters to "
                    + partition.topic() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The value of a dead letter's header, or null. */
    public static String header(LogRecord letter, String key) {
        for (Header h : letter.headers()) {
            if (key.equals(h.key()) && h.value() != null) {
                return new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static Header header(String key, String value) {
        return new Header(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String truncate(String reason) {
        String r = reason == null ? "unknown" : reason;
        return r.length() <= MAX_REASON_CHARS ? r : r.substring(0, MAX_REASON_CHARS) + "…";
    }
}
