package io.tidelog.service.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.tidelog.capture.TopicNaming;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;
import io.tidelog.service.config.TidelogProperties;
import io.tidelog.service.status.Redaction;
import io.tidelog.service.status.StatusReport;
import io.tidelog.service.status.StatusService;
import io.tidelog.sink.runner.DeadLetters;
import io.tidelog.sink.runner.ResetTarget;
import io.tidelog.sink.runner.SinkFleet;
import io.tidelog.sink.runner.SinkRunner;
import io.tidelog.sink.runner.SinkState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Steering one sink: pause, resume, reset its offsets (rebuilding it from the compacted log, never
 * touching the database), and its dead letters.
 */
@RestController
@RequestMapping(path = "/admin/sinks", produces = MediaType.APPLICATION_JSON_VALUE)
class SinksController {

    /** How long pause/resume wait for the runner to reach the new state before answering. */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    /** How long a reset waits for the runner to apply it before answering 202. */
    private static final Duration RESET_WAIT = Duration.ofSeconds(10);

    private final SinkFleet fleet;
    private final ChangeLog log;
    private final StatusService status;
    private final TopicNaming naming;
    private final Redaction redaction;

    SinksController(SinkFleet fleet, ChangeLog log, StatusService status, TidelogProperties properties,
                    Redaction redaction) {
        this.fleet = fleet;
        this.log = log;
        this.status = status;
        this.naming = new TopicNaming(properties.log().topicPrefix());
        this.redaction = redaction;
    }

    /**
     * The answer to pause and resume.
     *
     * @param sink  the sink
     * @param state its state when answering (the change applies after the batch in flight)
     */
    record SinkStateView(String sink, String state) {
    }

    /**
     * The answer to a reset.
     *
     * @param sink             the sink
     * @param to               the reset's kind
     * @param status           {@code applied}, or {@code queued} when the runner is busy (starting, or
     *                         retrying a batch against a failing target) and will apply it at its next
     *                         batch boundary
     * @param committedOffsets the new committed offsets per topic and partition, once applied
     */
    record ResetView(String sink, String to, String status, Map<String, Map<Integer, Long>> committedOffsets) {
    }

    @Operation(summary = "One sink's status")
    @GetMapping("/{name}")
    StatusReport.Sink sink(@PathVariable String name) {
        return status.sink(runner(name));
    }

    @Operation(summary = "Stop reading after the batch in flight; the position is kept")
    @PostMapping("/{name}/pause")
    SinkStateView pause(@PathVariable String name, @RequestBody(required = false) String body) {
        SinkRunner r = running(name);
        JsonBody.parse(body, Set.of());
        r.pause();
        return settle(r, s -> s == SinkState.PAUSED || s == SinkState.STARTING);
    }

    @Operation(summary = "Resume a paused sink, or retry a failed one")
    @PostMapping("/{name}/resume")
    SinkStateView resume(@PathVariable String name, @RequestBody(required = false) String body) {
        SinkRunner r = running(name);
        JsonBody.parse(body, Set.of());
        r.resume();
        return settle(r, s -> s != SinkState.PAUSED && s != SinkState.FAILED);
    }

    @Operation(summary = "Move the sink's offsets and commit them (earliest rebuilds it from the compacted log)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = SinkResetRequest.class))))
    @PostMapping(path = "/{name}/reset", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ResetView> reset(@PathVariable String name, @RequestBody(required = false) String body)
            throws InterruptedException {
        SinkRunner r = running(name);
        List<String> topics = r.settings().tables().stream().map(naming::topic).sorted().toList();
        ResetTarget target = SinkResetRequest.parse(body, topics, log);
        String kind = kind(target);
        CompletableFuture<Map<TopicPartition, Long>> done = r.reset(target);
        try {
            Map<TopicPartition, Long> committed = done.get(RESET_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return ResponseEntity.ok(new ResetView(r.name(), kind, "applied", byTopic(committed)));
        } catch (TimeoutException e) {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(new ResetView(r.name(), kind, "queued", null));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = redaction.apply(String.valueOf(cause.getMessage()));
            if (cause instanceof IllegalArgumentException) {
                throw AdminException.badRequest(kind.equals("offsets") ? "offsets" : "to", message);
            }
            throw AdminException.conflict("sink " + r.name() + " cannot be reset now: " + message);
        }
    }

    /**
     * A page of dead letters.
     *
     * @param sink        the sink
     * @param topic       its dead-letter topic
     * @param startOffset the first offset the topic still holds
     * @param endOffset   one past its last offset
     * @param nextOffset  where the next page starts
     * @param letters     the dead letters, oldest first
     */
    record DeadLetterPage(String sink, String topic, long startOffset, long endOffset, long nextOffset,
                          List<DeadLetter> letters) {
    }

    /**
     * One record the sink's target rejected for good.
     *
     * @param offset            its offset in the dead-letter topic
     * @param originalTopic     the topic it was read from
     * @param originalPartition that topic's partition
     * @param originalOffset    its offset there
     * @param reason            why the target rejected it
     * @param deadLetteredAt    when it was rejected
     * @param key               the record's key, as UTF-8 text
     * @param value             its value (the change envelope), as UTF-8 text; null for a tombstone
     * @param headers           its headers as they were in the log
     */
    record DeadLetter(long offset, String originalTopic, Integer originalPartition, Long originalOffset,
                      String reason, Instant deadLetteredAt, String key, String value, List<Texts.HeaderView> headers) {
    }

    @Operation(summary = "Dead letters of a sink, paged by offset (limit at most 500)")
    @GetMapping("/{name}/dlq")
    DeadLetterPage deadLetters(@PathVariable String name, @RequestParam(required = false) Long offset,
                               @RequestParam(required = false) Integer limit) {
        SinkRunner r = runner(name);
        Letters page = letters(r, offset, limit);
        return new DeadLetterPage(r.name(), r.deadLetterTopic(), page.start(), page.end(), page.next(),
                page.records().stream().map(this::letter).toList());
    }

    /**
     * Records of a sink's dead-letter topic from {@code from}.
     *
     * @param start   the first offset the topic holds
     * @param end     one past its last
     * @param from    the first offset read
     * @param next    one past the last offset read
     * @param records what was read, oldest first
     */
    private record Letters(long start, long end, long from, long next, List<LogRecord> records) {
    }

    /** Reads up to {@code limit} dead letters from {@code offset} (default: the oldest); 400 naming a bad one. */
    private Letters letters(SinkRunner r, Long offset, Integer limit) {
        int max = Paging.limit(limit);
        TopicPartition tp = new TopicPartition(r.deadLetterTopic(), 0);
        long start = log.logStartOffset(tp);
        long end = log.endOffset(tp);
        long from = Paging.from(offset, start, end);
        if (from >= end) {
            return new Letters(start, end, from, from, List.of());
        }
        ReadResult read = log.read(tp, from, max, Paging.MAX_BYTES);
        return new Letters(start, end, from, read.nextOffset(), read.records());
    }

    /**
     * What a retry of dead letters did.
     *
     * @param sink              the sink
     * @param fromOffset        the first dead letter retried
     * @param nextOffset        one past the last one retried: where the next retry would start
     * @param written           letters the target accepted this time
     * @param deadLetteredAgain letters rejected again, appended to the dead-letter topic with the new reason
     * @param status            {@code applied}, or {@code queued} when the runner had not got to it within the wait
     */
    record RetryView(String sink, long fromOffset, long nextOffset, Integer written, Integer deadLetteredAgain,
                     String status) {
    }

    @Operation(summary = "Write dead letters to the sink again: body {\"offset\": first letter (default: the oldest), "
            + "\"limit\": at most 500}. Letters older than the row's state in the target are ignored by its version guard")
    @PostMapping("/{name}/dlq/retry")
    ResponseEntity<RetryView> retryDeadLetters(@PathVariable String name, @RequestBody(required = false) String body)
            throws InterruptedException {
        SinkRunner r = running(name);
        JsonBody request = JsonBody.parse(body, Set.of("offset", "limit"));
        Letters page = letters(r, request.longValue("offset"), request.intValue("limit"));
        long from = page.from();
        long next = page.next();
        List<LogRecord> originals = page.records().stream().map(SinksController::original).toList();
        if (originals.isEmpty()) {
            return ResponseEntity.ok(new RetryView(r.name(), from, next, 0, 0, "applied"));
        }
        CompletableFuture<SinkRunner.Redelivery> done = r.redeliver(originals);
        try {
            SinkRunner.Redelivery outcome = done.get(RESET_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return ResponseEntity.ok(new RetryView(r.name(), from, next, outcome.written(), outcome.deadLetteredAgain(),
                    "applied"));
        } catch (TimeoutException e) {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(new RetryView(r.name(), from, next, null, null, "queued"));
        } catch (ExecutionException e) {
            throw AdminException.conflict("sink " + r.name() + " cannot retry now: "
                    + redaction.apply(String.valueOf(e.getCause().getMessage())));
        }
    }

    /** The record a dead letter was, at its original partition and offset, without the dead-letter headers. */
    private static LogRecord original(LogRecord letter) {
        String topic = DeadLetters.header(letter, DeadLetters.TOPIC);
        Integer partition = integer(DeadLetters.header(letter, DeadLetters.PARTITION));
        Long offset = longValue(DeadLetters.header(letter, DeadLetters.OFFSET));
        if (topic == null || partition == null || offset == null) {
            throw AdminException.conflict("dead letter at offset " + letter.offset() + " has no original position");
        }
        return new LogRecord(new TopicPartition(topic, partition), offset, letter.timestamp(), letter.key(),
                letter.value(), letter.headers().stream().filter(h -> !h.key().startsWith("tidelog.dlq.")).toList());
    }

    private DeadLetter letter(LogRecord rec) {
        String time = DeadLetters.header(rec, DeadLetters.TIME);
        return new DeadLetter(rec.offset(), DeadLetters.header(rec, DeadLetters.TOPIC),
                integer(DeadLetters.header(rec, DeadLetters.PARTITION)), longValue(DeadLetters.header(rec, DeadLetters.OFFSET)),
                redaction.apply(DeadLetters.header(rec, DeadLetters.REASON)),
                time == null || longValue(time) == null ? null : Instant.ofEpochMilli(longValue(time)),
                Texts.utf8(rec.key()), Texts.utf8(rec.value()),
                Texts.headers(rec.headers().stream().filter(h -> !h.key().startsWith("tidelog.dlq.")).toList()));
    }

    /** The runner of a sink that can still be steered (not stopped). */
    private SinkRunner running(String name) {
        SinkRunner r = runner(name);
        if (r.state() == SinkState.STOPPED) {
            throw AdminException.conflict("sink " + r.name() + " is stopped");
        }
        return r;
    }

    private SinkRunner runner(String name) {
        String checked = Names.sink(name);
        return fleet.runner(checked).orElseThrow(() -> AdminException.notFound("name", "no sink named " + checked));
    }

    private static SinkStateView settle(SinkRunner r, Predicate<SinkState> settled) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!settled.test(r.state()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new SinkStateView(r.name(), r.state().name().toLowerCase(Locale.ROOT));
    }

    private static String kind(ResetTarget target) {
        if (target instanceof ResetTarget.Earliest) {
            return "earliest";
        }
        if (target instanceof ResetTarget.Latest) {
            return "latest";
        }
        return target instanceof ResetTarget.Timestamp ? "timestamp" : "offsets";
    }

    private static Map<String, Map<Integer, Long>> byTopic(Map<TopicPartition, Long> offsets) {
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        offsets.forEach((tp, o) -> out.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), o));
        return out;
    }

    private static Integer integer(String text) {
        try {
            return text == null ? null : Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long longValue(String text) {
        try {
            return text == null ? null : Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
