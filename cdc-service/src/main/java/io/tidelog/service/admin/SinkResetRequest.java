package io.tidelog.service.admin;

import io.swagger.v3.oas.annotations.media.Schema;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.TopicPartition;
import io.tidelog.sink.runner.ResetTarget;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of {@code POST /admin/sinks/{name}/reset}: where to move the sink's consumer group.
 *
 * @param to        {@code earliest} (rebuild from the compacted log), {@code latest} (skip what is not
 *                  delivered yet), {@code timestamp} or {@code offsets}
 * @param timestamp with {@code to=timestamp}: an ISO-8601 instant, e.g. {@code 2024-03-01T08:00:00Z};
 *                  each partition moves to its first record at or after it
 * @param offsets   with {@code to=offsets}: {@code {"<topic>": {"<partition>": offset}}}; partitions not
 *                  named keep their position
 */
@Schema(description = "Where to move a sink's offsets")
public record SinkResetRequest(
        @Schema(allowableValues = {"earliest", "latest", "timestamp", "offsets"}, requiredMode = Schema.RequiredMode.REQUIRED)
        String to,
        @Schema(example = "2024-03-01T08:00:00Z") String timestamp,
        @Schema(example = "{\"tidelog.public.orders\": {\"0\": 120, \"1\": 98}}") Map<String, Map<String, Long>> offsets) {

    private static final Set<String> FIELDS = Set.of("to", "timestamp", "offsets");
    private static final Pattern PARTITION = Pattern.compile("0|[1-9][0-9]{0,4}");

    /**
     * Reads and checks the body against the sink's topics, which must exist in the log.
     *
     * @param topics the sink's topics
     * @throws AdminException 400 naming the field at fault
     */
    static ResetTarget parse(String body, List<String> topics, ChangeLog log) {
        JsonBody json = JsonBody.parse(body, FIELDS);
        String to = json.requiredString("to");
        if (!to.equals("timestamp") && json.has("timestamp")) {
            throw AdminException.badRequest("timestamp", "timestamp is only used with to=timestamp");
        }
        if (!to.equals("offsets") && json.has("offsets")) {
            throw AdminException.badRequest("offsets", "offsets is only used with to=offsets");
        }
        return switch (to) {
            case "earliest" -> new ResetTarget.Earliest();
            case "latest" -> new ResetTarget.Latest();
            case "timestamp" -> new ResetTarget.Timestamp(instant(json.requiredString("timestamp")).toEpochMilli());
            case "offsets" -> offsets(json.object("offsets"), topics, log);
            default -> throw AdminException.badRequest("to", "to must be one of earliest, latest, timestamp, offsets");
        };
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeException again) {
                throw AdminException.badRequest("timestamp",
                        "timestamp must be an ISO-8601 instant with a zone, e.g. 2024-03-01T08:00:00Z");
            }
        }
    }

    private static ResetTarget offsets(ObjectNode offsets, List<String> topics, ChangeLog log) {
        if (offsets == null || offsets.isEmpty()) {
            throw AdminException.badRequest("offsets", "offsets is required with to=offsets: {\"<topic>\": {\"<partition>\": offset}}");
        }
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> t : offsets.properties()) {
            String topic = t.getKey();
            String field = "offsets." + JsonBody.printable(topic);
            if (!Names.TOPIC.matcher(topic).matches() || !topics.contains(topic)) {
                throw AdminException.badRequest(field, "not a topic of this sink; its topics: " + String.join(", ", topics));
            }
            if (!log.topics().contains(topic)) {
                throw AdminException.conflict("topic " + topic + " does not exist yet (capture has not started)");
            }
            if (!t.getValue().isObject() || t.getValue().isEmpty()) {
                throw AdminException.badRequest(field, field + " must be an object of partition to offset");
            }
            int partitions = log.topicConfig(topic).partitions();
            for (Map.Entry<String, JsonNode> p : t.getValue().properties()) {
                String pField = field + "." + JsonBody.printable(p.getKey());
                if (!PARTITION.matcher(p.getKey()).matches() || Integer.parseInt(p.getKey()) >= partitions) {
                    throw AdminException.badRequest(pField, "not a partition of " + topic + " (0-" + (partitions - 1) + ")");
                }
                JsonNode v = p.getValue();
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                    throw AdminException.badRequest(pField, pField + " must be a non-negative integer offset");
                }
                TopicPartition tp = new TopicPartition(topic, Integer.parseInt(p.getKey()));
                long start = log.logStartOffset(tp);
                long end = log.endOffset(tp);
                if (v.asLong() < start || v.asLong() > end) {
                    throw AdminException.badRequest(pField, "offset " + v.asLong() + " is outside [" + start + ", " + end + "]");
                }
                out.put(tp, v.asLong());
            }
        }
        return new ResetTarget.Offsets(out);
    }
}
