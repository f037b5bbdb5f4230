package io.tidelog.bench.sinks;

/**
 * One CDC pipeline (PostgreSQL → … → sink) under test. {@link SinkBenchmark} creates one per run,
 * gives it fresh servers ({@link Env}), then: {@code start(env)}; waits until a probe update shows in
 * {@link #target()} ("start → streaming", includes any initial snapshot); a warm-up burst; the timed
 * burst; the paced latency phases; {@code close()} — always, also on failure.
 *
 * <p>Implementations: {@link DebeziumServerPipeline}. Register new ones in {@link SinkBenchmark#PIPELINES}.
 */
public interface PipelineUnderTest extends AutoCloseable {

    /** Short, stable name for the table and the {@code pipelines=} argument, e.g. {@code debezium-server}. */
    String name();

    /** One line on how it is configured (printed under the table): heap, batch sizes, snapshot mode… */
    String describe();

    /**
     * Starts capturing {@code env}'s table (already loaded) into {@code env.redis()} (or any other target).
     * May return before it streams: the benchmark then keeps updating the probe row until
     * {@link #target()} shows it.
     */
    void start(Env env) throws Exception;

    /** Where the pipeline's output is read; valid after {@link #start}. The pipeline closes it. */
    SinkTarget target();

    /**
     * The process whose CPU time and RSS are reported (with its descendants): the child process, or
     * {@code ProcessHandle.current()} for an in-process pipeline (then the benchmark's own writers and
     * poller are included — say so in {@link #describe()}).
     */
    ProcessHandle process();

    /** Something to print when a phase fails, such as the tail of the pipeline's log; may be empty. */
    default String failureDetails() {
        return "";
    }

    /** Stops everything it started (processes, slots it must drop, connections); idempotent, never throws. */
    @Override
    void close();
}
