package io.tidelog.sink.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.tidelog.sink.ErrorClassifier;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.RetriableSinkException;
import io.tidelog.sink.Sink;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import io.tidelog.sink.redis.RedisSinkSettings.Mode;
import io.tidelog.sink.redis.VersionedWriteScript.Call;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a standalone Redis in step with captured tables, as a cache: each row under its own key
 * ({@link Mode#UPSERT}), or each changed row's key removed ({@link Mode#INVALIDATE}).
 *
 * <h2>Upsert</h2>
 * Records go to Redis through {@link VersionedWriteScript}, {@value #RECORDS_PER_CALL} records per call
 * (a script call has a fixed cost in Redis that one record's work does not amortise):
 * each record's row is written (a JSON string or a hash), or its key deleted for a delete or a
 * tombstone, only when the record's version is strictly newer than the one the row last got. Replays, duplicates and stale records therefore leave Redis
 * unchanged, as {@link Sink} requires, and the guard lives in Redis, not in this object. The script
 * is loaded at {@link #open} and called by digest ({@code EVALSHA}); when Redis has lost it (a
 * restart, {@code SCRIPT FLUSH}) it answers {@code NOSCRIPT} without running anything, and those calls
 * are sent again with the script's text ({@code EVAL}), which caches it again; should that put them
 * after other calls of the batch, the version guard keeps the outcome the same.
 *
 * <h2>Invalidate</h2>
 * Each record is a {@code DEL} of its row key. That is idempotent (deleting an absent key changes
 * nothing) and order-safe: however often and in whatever order the deletes arrive, the key ends up
 * absent, and no record can install stale data. The application reloads the row from PostgreSQL on its
 * next miss; no versions are needed.
 *
 * <h2>Batches</h2>
 * A batch is pipelined on the one connection: all commands are queued, sent with one flush, and their
 * replies awaited for {@code commandTimeout}; Redis executes them in the order sent. Several records of
 * one row in a batch are not collapsed into the last: the version guard makes each superseded call a
 * cheap no-op, while collapsing would have to keep records without a version and to extend a rejection
 * of the survivor to the records it replaced. When a connection drops, Lettuce reconnects and may send
 * commands again (at least once); the version guard, or the nature of {@code DEL}, makes that harmless.
 *
 * <h2>Failures</h2>
 * A record whose key holds a value of another type (someone else's list, say: {@code WRONGTYPE}), or
 * whose stored version is unreadable ({@code BADVERSION}), is returned as a {@link Rejection} with
 * Redis's error text; the script checks before it writes, so such a record changes nothing, and the
 * rest of the batch is applied. Any other failed command fails the batch: with a
 * {@link RetriableSinkException} when {@link #classifier()} deems the cause retriable, else with the
 * cause itself. Writing the whole batch again is safe.
 *
 * <h2>Durability</h2>
 * {@link #write} returns once Redis has acknowledged every command, so {@link #flush} has nothing left
 * to do: the changes are as durable as the operator made Redis (an append-only file with
 * {@code appendfsync always} or {@code everysec}, RDB snapshots, or memory only). A cache that lost
 * them is refilled by a new snapshot, or, in invalidate mode, by the application's misses.
 *
 * <p>Thread-safety: {@link #open}, {@link #write} and {@link #flush} come from one thread, as {@link Sink}
 * promises; {@link #close} may come from any thread, more than once.
 */
public final class RedisSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(RedisSink.class);

    /** Error codes of a record that Redis refuses for good, whatever is retried. */
    private static final Set<String> REJECTED_REPLIES = Set.of("WRONGTYPE", "BADVERSION");
    private static final long REFLUSH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * Records per script call: enough to spread a call's cost over many records, few enough that Redis,
     * which runs one script at a time, is never busy with one call for long (~1 ms here).
     */
    static final int RECORDS_PER_CALL = 200;

    private final RedisSinkSettings settings;
    private final VersionedWriteScript script;
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile RedisClient client;
    private volatile StatefulRedisConnection<String, String> connection;
    private RedisAsyncCommands<String, String> commands;
    private String scriptSha;

    public RedisSink(RedisSinkSettings settings) {
        this.settings = settings;
        this.script = new VersionedWriteScript(settings);
    }

    /** Connects, names the connection {@code tidelog-sink:<sink name>} and, in upsert mode, loads the script. */
    @Override
    public void open(SinkContext context) {
        if (client != null || closed.get()) {
            throw new IllegalStateException("redis sink '" + context.sinkName() + "' is already open or closed");
        }
        RedisURI uri = settings.redisUri();
        uri.setClientName("tidelog-sink:" + context.sinkName().replaceAll("[^\\x21-\\x7e]", "_"));
        RedisClient newClient = RedisClient.create(uri);
        newClient.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout())).build());
        try {
            StatefulRedisConnection<String, String> newConnection = newClient.connect();
            if (settings.mode() == Mode.UPSERT) {
                scriptSha = newConnection.sync().scriptLoad(VersionedWriteScript.TEXT);
            }
            newConnection.setAutoFlushCommands(false); // write() sends each batch with one flush
            commands = newConnection.async();
            connection = newConnection;
            client = newClient;
        } catch (RuntimeException e) {
            newClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
        log.info("redis sink '{}' open for {} tables: {}", context.sinkName(), context.tables().size(), settings);
    }

    @Override
    public List<Rejection> write(List<SinkRecord> batch) throws Exception {
        if (connection == null || closed.get()) {
            throw new IllegalStateException("redis sink is not open");
        }
        Throwable[] errors = new Throwable[batch.size()];
        if (settings.mode() == Mode.INVALIDATE) {
            pipeline(batch.size(), i -> commands.del(settings.keyTemplate().render(batch.get(i))), errors, null);
        } else {
            upsert(batch, errors);
        }
        return rejections(batch, errors);
    }

    /**
     * Applies the batch with one script call per {@value #RECORDS_PER_CALL} records (pipelined), each
     * call applying its records in order, and sets {@code errors[i]} for each record that failed: the
     * script's own refusal of that record, or the failure of its whole call.
     */
    private void upsert(List<SinkRecord> batch, Throwable[] errors) throws InterruptedException {
        List<Call> records = batch.stream().map(script::call).toList();
        int count = (records.size() + RECORDS_PER_CALL - 1) / RECORDS_PER_CALL;
        Call[] calls = new Call[count];
        for (int c = 0; c < count; c++) {
            calls[c] = VersionedWriteScript.batch(records.subList(c * RECORDS_PER_CALL,
                    Math.min(records.size(), (c + 1) * RECORDS_PER_CALL)));
        }
        Throwable[] callErrors = new Throwable[count];
        Object[] replies = new Object[count];
        pipeline(count, c -> commands.evalsha(scriptSha, ScriptOutputType.MULTI, calls[c].keys(), calls[c].args()),
                callErrors, replies);
        int[] uncached = IntStream.range(0, count).filter(c -> callErrors[c] instanceof RedisNoScriptException).toArray();
        if (uncached.length > 0) {
            log.info("redis lost the write script (restart or SCRIPT FLUSH); sending {} calls with its text",
                    uncached.length);
            Throwable[] retried = new Throwable[uncached.length];
            Object[] retriedReplies = new Object[uncached.length];
            pipeline(uncached.length, j -> commands.eval(VersionedWriteScript.TEXT, ScriptOutputType.MULTI,
                    calls[uncached[j]].keys(), calls[uncached[j]].args()), retried, retriedReplies);
            for (int j = 0; j < uncached.length; j++) {
                callErrors[uncached[j]] = retried[j];
                replies[uncached[j]] = retriedReplies[j];
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            int c = i / RECORDS_PER_CALL;
            if (callErrors[c] != null) {
                errors[i] = callErrors[c];
            } else if (((List<?>) replies[c]).get(i % RECORDS_PER_CALL) instanceof String refusal) {
                errors[i] = new RedisCommandExecutionException(refusal);
            }
        }
    }

    /**
     * Queues {@code count} commands, sends them with one flush and waits for every reply, for at most
     * twice the command timeout (Lettuce times each command out after one). Sets {@code errors[i]} to
     * the failure of command {@code i}, leaving it null for a success, and then {@code results[i]} (when
     * given) to its reply.
     *
     * <p>It flushes again while it waits: with auto-flush off, commands queued while the connection is
     * down stay in Lettuce's command buffer, and a reconnect sends only what was queued with auto-flush
     * on, so without another flush a batch written during a reconnect would wait for the next batch.
     */
    private void pipeline(int count, IntFunction<RedisFuture<?>> command, Throwable[] errors, Object[] results)
            throws InterruptedException {
        CompletableFuture<?>[] replies = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            replies[i] = command.apply(i).toCompletableFuture();
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(replies);
        long deadline = System.nanoTime() + 2 * settings.commandTimeout().toNanos();
        do {
            connection.flushCommands();
            try {
                all.get(Math.min(REFLUSH_INTERVAL_NANOS, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // examined per command below
            }
        } while (!all.isDone() && System.nanoTime() < deadline);
        for (int i = 0; i < count; i++) {
            errors[i] = replies[i].isDone() ? failure(replies[i]) : new RedisCommandTimeoutException(
                    "no reply from redis within " + settings.commandTimeout().multipliedBy(2));
            if (results != null && errors[i] == null) {
                results[i] = replies[i].join();
            }
        }
    }

    private static Throwable failure(CompletableFuture<?> reply) {
        try {
            reply.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    /** The records Redis refused for good; throws the first other failure, if any. */
    private List<Rejection> rejections(List<SinkRecord> batch, Throwable[] errors) throws Exception {
        List<Rejection> rejected = new ArrayList<>();
        Throwable failure = null;
        int failed = 0;
        for (int i = 0; i < errors.length; i++) {
            Throwable error = errors[i];
            if (error instanceof RedisCommandExecutionException
                    && REJECTED_REPLIES.contains(RedisErrorClassifier.code(error.getMessage()))) {
                rejected.add(new Rejection(batch.get(i), error.getMessage()));
            } else if (error != null && failed++ == 0) {
                failure = error;
            }
        }
        if (failure != null && classifier().isRetriable(failure)) {
            throw new RetriableSinkException("redis: " + failed + " of " + errors.length + " commands failed: "
                    + failure.getMessage(), failure);
        } else if (failure instanceof Exception e) {
            throw e;
        } else if (failure != null) {
            throw (Error) failure;
        }
        return rejected;
    }

    /** Nothing to do: {@link #write} returned only once Redis had acknowledged every command. */
    @Override
    public void flush() {
    }

    @Override
    public ErrorClassifier classifier() {
        return RedisErrorClassifier.INSTANCE;
    }

    /** Closes the connection and the client's threads; idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        StatefulRedisConnection<String, String> openConnection = connection;
        RedisClient openClient = client;
        if (openConnection != null) {
            openConnection.close();
        }
        if (openClient != null) {
            openClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
