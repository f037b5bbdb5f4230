/**
 * The {@link io.tidelog.log.ChangeLog} on Apache Kafka. Public: {@link io.tidelog.log.kafka.KafkaChangeLog}
 * ({@link io.tidelog.log.kafka.KafkaChangeLog#open open} it), {@link io.tidelog.log.kafka.KafkaLogSettings}
 * and {@link io.tidelog.log.kafka.KafkaLogException}; the rest is package-private.
 *
 * <h2>Mapping</h2>
 * <table>
 *   <caption>The log's concepts in Kafka</caption>
 *   <tr><th>ChangeLog</th><th>Kafka</th><th>Class</th></tr>
 *   <tr><td>topic, partitions, {@link io.tidelog.log.TopicConfig}</td>
 *       <td>a topic of the same name with the same partition count, the settings' replication factor
 *       and the topic configs listed in {@link io.tidelog.log.kafka.TopicConfigMapping}</td>
 *       <td>{@link io.tidelog.log.kafka.Topics}</td></tr>
 *   <tr><td>{@code createTopic} on an existing topic</td>
 *       <td>verified: same partition count and exactly the same {@code cleanup.policy}, else
 *       {@code TOPIC_MISMATCH}; with topic creation disabled a missing topic is {@code MISSING_TOPIC}</td>
 *       <td>{@link io.tidelog.log.kafka.Topics}</td></tr>
 *   <tr><td>{@link io.tidelog.log.Record} / {@link io.tidelog.log.LogRecord}</td>
 *       <td>a Kafka record: same key, value ({@code null} = tombstone), headers, timestamp (create time;
 *       {@code NO_TIMESTAMP} lets the producer stamp it)</td>
 *       <td>{@link io.tidelog.log.kafka.Convert}</td></tr>
 *   <tr><td>append</td>
 *       <td>one shared idempotent producer, {@code acks=all}, each record sent to the explicit partition;
 *       the future completes when all are acknowledged. Not atomic: a failed call may leave a prefix</td>
 *       <td>{@link io.tidelog.log.kafka.Appender}</td></tr>
 *   <tr><td>the key's partition</td>
 *       <td>Kafka's default partitioner ({@code murmur2}, {@link io.tidelog.log.ChangeLog.Partitioner}), so
 *       a plain Kafka producer puts a key where this log does</td><td>—</td></tr>
 *   <tr><td>read, poll, log start, end (the high watermark), offset for a time</td>
 *       <td>a pool of group-less consumers: {@code assign}, {@code seek}, {@code poll},
 *       {@code beginningOffsets}, {@code endOffsets}, {@code offsetsForTimes}</td>
 *       <td>{@link io.tidelog.log.kafka.Readers}</td></tr>
 *   <tr><td>{@link io.tidelog.log.GroupConsumer}</td>
 *       <td>a member of the Kafka consumer group (classic protocol, cooperative sticky assignor, manual
 *       commits); the reset policy is applied by the log, not by {@code auto.offset.reset}</td>
 *       <td>{@link io.tidelog.log.kafka.KafkaGroupConsumer}</td></tr>
 *   <tr><td>committed offsets, lag, commits from outside the group</td>
 *       <td>the group's offsets in {@code __consumer_offsets}, through the admin client (which Kafka refuses
 *       while the group has members)</td>
 *       <td>{@link io.tidelog.log.kafka.GroupOffsets}</td></tr>
 *   <tr><td>metrics, listeners</td>
 *       <td>appends counted here; the brokers' fsyncs, segments and compaction are not visible to a client
 *       and count 0; listeners hear of offset resets only</td>
 *       <td>{@link io.tidelog.log.kafka.Listeners}</td></tr>
 * </table>
 *
 * <p>Client settings and their precedence: {@link io.tidelog.log.kafka.KafkaClients}.
 */
package io.tidelog.log.kafka;
