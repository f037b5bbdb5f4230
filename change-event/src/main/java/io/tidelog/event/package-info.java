/**
 * The change event: Tidelog's own value for one row change captured from PostgreSQL.
 *
 * <p>Capture (streaming), the aligned snapshot, the log encoding and every sink speak this type;
 * nothing in this package depends on Debezium, Kafka Connect or Spring. Values inside rows are
 * plain Java types listed on {@link io.tidelog.event.Row}.
 */
package io.tidelog.event;
