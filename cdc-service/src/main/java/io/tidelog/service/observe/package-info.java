/**
 * What an operator watches: Micrometer meters ({@code tidelog.capture.*}, {@code tidelog.source.*},
 * {@code tidelog.log.*}, {@code tidelog.sink.*}, exported at {@code /actuator/prometheus}), the health
 * contributors of the readiness group ({@code walLag}, {@code sinks}), and the per-sink progress line.
 *
 * <p>Every class here reads counters the pipeline keeps anyway ({@link io.tidelog.capture.CaptureStats},
 * {@link io.tidelog.log.LogMetrics}, {@link io.tidelog.sink.runner.SinkMetrics}, consumer-group lag);
 * nothing here is on the data path. Tags are low-cardinality only: {@code sink}, {@code topic},
 * {@code state}.
 */
package io.tidelog.service.observe;
