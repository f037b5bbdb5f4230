/**
 * Capture: PostgreSQL's logical replication stream, read by the Debezium embedded (async) engine
 * with pgoutput, turned into {@link io.tidelog.event.ChangeEvent}s and handed to the next stage
 * through {@link io.tidelog.capture.ChangeEventHandler}.
 *
 * <p>Data path: {@code PostgreSQL slot → Debezium engine → RecordMapper → ChangeEventHandler → (log)}.
 * Plain Java: usable and testable without Spring; {@code io.tidelog.service} wires it.
 */
package io.tidelog.capture;
