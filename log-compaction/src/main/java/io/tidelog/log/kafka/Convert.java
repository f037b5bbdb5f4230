package io.tidelog.log.kafka;

import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.log.Record;
import io.tidelog.log.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Between the log's types and Kafka's: partitions, records, headers. A record is the same in both: key,
 * value ({@code null} = tombstone), headers in order, timestamp in epoch millis
 * ({@link Record#NO_TIMESTAMP} lets the producer stamp it). Stateless.
 */
final class Convert {

    /**
     * Upper bound of the overhead of a record in a Kafka v2 batch of its own: the batch header (61 bytes)
     * plus the record's varint fields (length, attributes, deltas, key and value lengths, header count).
     */
    static final int RECORD_OVERHEAD = 61 + 5 + 1 + 10 + 5 + 5 + 5 + 5;
    /** Upper bound of a header's varint fields (key length, value length). */
    static final int HEADER_OVERHEAD = 10;

    private Convert() {
    }

    static org.apache.kafka.common.TopicPartition kafka(TopicPartition tp) {
        return new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition());
    }

    static List<org.apache.kafka.common.TopicPartition> kafka(Collection<TopicPartition> partitions) {
        return partitions.stream().map(Convert::kafka).toList();
    }

    static TopicPartition ours(org.apache.kafka.common.TopicPartition tp) {
        return new TopicPartition(tp.topic(), tp.partition());
    }

    static List<TopicPartition> ours(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        return partitions.stream().map(Convert::ours).toList();
    }

    static ProducerRecord<byte[], byte[]> producerRecord(TopicPartition tp, Record r) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            headers.add(h.key(), h.value());
        }
        Long timestamp = r.timestamp() == Record.NO_TIMESTAMP ? null : r.timestamp();
        return new ProducerRecord<>(tp.topic(), tp.partition(), timestamp, r.key(), r.value(), headers);
    }

    static LogRecord logRecord(ConsumerRecord<byte[], byte[]> r) {
        List<Header> headers = new ArrayList<>(2);
        for (org.apache.kafka.common.header.Header h : r.headers()) {
            headers.add(new Header(h.key(), h.value()));
        }
        return new LogRecord(new TopicPartition(r.topic(), r.partition()), r.offset(), r.timestamp(), r.key(),
                r.value(), List.copyOf(headers));
    }

    /** An upper bound of the record's size in an uncompressed Kafka batch of its own. */
    static int sizeOf(Record r) {
        long size = RECORD_OVERHEAD + len(r.key()) + len(r.value());
        for (Header h : r.headers()) {
            size += HEADER_OVERHEAD + utf8Length(h.key()) + len(h.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** The payload bytes of a record read back (key, value, header keys and values), for read limits. */
    static int sizeOf(LogRecord r) {
        int size = len(r.key()) + len(r.value());
        for (Header h : r.headers()) {
            size += h.key().length() + len(h.value());
        }
        return size;
    }

    private static int len(byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
