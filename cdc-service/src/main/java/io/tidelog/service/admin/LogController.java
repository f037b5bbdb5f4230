package io.tidelog.service.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.CleanupPolicy;
import io.tidelog.log.LogMetrics;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The change log: run compaction now, and read records of any topic. */
@RestController
@RequestMapping(path = "/admin/log", produces = MediaType.APPLICATION_JSON_VALUE)
class LogController {

    private final ChangeLog log;

    LogController(ChangeLog log) {
        this.log = log;
    }

    /**
     * The body of {@code POST /admin/log/compact}.
     *
     * @param topic a topic to report on; absent: every compacted topic
     */
    @Schema(description = "Which topic to report on (the pass covers every partition that is due)")
    record CompactRequest(String topic) {
    }

    /**
     * The answer to a compaction request.
     *
     * @param compactionRuns partitions cleaned by this pass
     * @param bytesReclaimed bytes freed by this pass (compaction and retention)
     * @param topics         the size of each reported topic before and after
     */
    record CompactView(long compactionRuns, long bytesReclaimed, List<TopicSize> topics) {
    }

    /**
     * @param topic       the topic
     * @param bytesBefore its size on disk before the pass
     * @param bytesAfter  and after
     */
    record TopicSize(String topic, long bytesBefore, long bytesAfter) {
    }

    @Operation(summary = "Run the log's retention and compaction pass now",
            description = "Cleans every compacted partition that is due (its dirty ratio reached "
                    + "min.cleanable.dirty.ratio, or a tombstone's delete horizon passed), exactly as the "
                    + "background cleaner does; the active segment and records younger than the minimum "
                    + "compaction lag are never touched. 'topic' limits the report to that topic.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = CompactRequest.class))))
    @PostMapping("/compact")
    CompactView compact(@RequestBody(required = false) String body) {
        JsonBody json = JsonBody.parse(body, Set.of("topic"));
        String topic = json.string("topic");
        if (topic != null) {
            existing(topic, "topic");
        }
        if (!(log instanceof EmbeddedChangeLog embedded)) {
            throw AdminException.notImplemented("compaction on demand is available for the embedded log only");
        }
        List<String> reported = topic != null ? List.of(topic) : new TreeSet<>(log.topics()).stream()
                .filter(t -> log.topicConfig(t).cleanupPolicy() == CleanupPolicy.COMPACT).toList();
        long[] before = reported.stream().mapToLong(t -> size(embedded, t)).toArray();
        LogMetrics m0 = log.metrics();
        embedded.runMaintenance();
        LogMetrics m1 = log.metrics();
        List<TopicSize> sizes = new ArrayList<>();
        for (int i = 0; i < reported.size(); i++) {
            sizes.add(new TopicSize(reported.get(i), before[i], size(embedded, reported.get(i))));
        }
        return new CompactView(m1.compactionRuns() - m0.compactionRuns(), m1.bytesReclaimed() - m0.bytesReclaimed(), sizes);
    }

    /**
     * A page of records of one partition.
     *
     * @param topic       the topic
     * @param partition   the partition
     * @param startOffset its first readable offset
     * @param endOffset   one past its last durable offset
     * @param nextOffset  where the next page starts
     * @param records     the records, in offset order (compacted-away offsets are skipped)
     */
    record RecordPage(String topic, int partition, long startOffset, long endOffset, long nextOffset,
                      List<RecordView> records) {
    }

    /**
     * One record.
     *
     * @param offset    its offset
     * @param timestamp its log timestamp
     * @param key       its key as UTF-8 text
     * @param value     its value as UTF-8 text; null for a tombstone
     * @param headers   its headers (binary values in base64)
     */
    record RecordView(long offset, Instant timestamp, String key, String value, List<Texts.HeaderView> headers) {
    }

    @Operation(summary = "Records of one partition of a topic, from an offset (limit at most 500)")
    @GetMapping("/topics/{topic}/records")
    RecordPage records(@PathVariable String topic, @RequestParam(defaultValue = "0") int partition,
                       @RequestParam(required = false) Long offset, @RequestParam(required = false) Integer limit) {
        TopicConfig config = existing(topic, "topic");
        if (partition < 0) {
            throw AdminException.badRequest("partition", "partition must not be negative");
        }
        if (partition >= config.partitions()) {
            throw AdminException.notFound("partition", "topic " + topic + " has partitions 0-" + (config.partitions() - 1));
        }
        int max = Paging.limit(limit);
        TopicPartition tp = new TopicPartition(topic, partition);
        long start = log.logStartOffset(tp);
        long end = log.endOffset(tp);
        long from = Paging.from(offset, start, end);
        List<RecordView> records = new ArrayList<>();
        long next = from;
        if (from < end) {
            ReadResult read = log.read(tp, from, max, Paging.MAX_BYTES);
            for (LogRecord r : read.records()) {
                records.add(new RecordView(r.offset(), Texts.instant(r.timestamp()), Texts.utf8(r.key()),
                        Texts.utf8(r.value()), Texts.headers(r.headers())));
            }
            next = read.nextOffset();
        }
        return new RecordPage(topic, partition, start, end, next, records);
    }

    /** The config of an existing topic; checks the name's shape first, never creates anything. */
    private TopicConfig existing(String topic, String field) {
        Names.topic(topic, field);
        if (!log.topics().contains(topic)) {
            throw AdminException.notFound(field, "no topic named " + topic);
        }
        return log.topicConfig(topic);
    }

    private static long size(EmbeddedChangeLog log, String topic) {
        long total = 0;
        for (int p = 0; p < log.topicConfig(topic).partitions(); p++) {
            total += log.sizeInBytes(new TopicPartition(topic, p));
        }
        return total;
    }
}
