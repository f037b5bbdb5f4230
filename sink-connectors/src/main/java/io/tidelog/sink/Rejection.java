package io.tidelog.sink;

/**
 * A record the target refused for good, and why, in the target's words.
 *
 * @param record the record as the sink received it
 * @param reason the target's error, e.g. {@code mapper_parsing_exception: failed to parse field [price]}
 */
public record Rejection(SinkRecord record, String reason) {
}
