package io.tidelog.bench.sinks;

/**
 * What a target must show once a phase's changes have all arrived: the phase committed {@code events}
 * row changes to {@link Env#TABLE} (its target was {@link SinkTarget#mark() marked} just before), and its
 * last transaction set {@code v = lastVersion} on the rows {@code lastIds}.
 *
 * <p>An append-only target (a stream) can count entries; a key-value target can check that every row
 * of the last transaction shows {@code v >= lastVersion}. The latter is exact for a pipeline that keeps
 * per-partition order: the last transaction's rows hash to every partition, so when each shows its last
 * version, each partition has delivered everything before it.
 */
public record Expectation(long events, long[] lastIds, long lastVersion) {
}
