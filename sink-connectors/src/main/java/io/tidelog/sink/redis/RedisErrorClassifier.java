package io.tidelog.sink.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.tidelog.sink.ErrorClassifier;
import java.util.Set;

/**
 * Which failures of a {@link RedisSink} are worth retrying, anywhere in the cause chain:
 * <ul>
 *   <li>retriable: the server is unreachable ({@link RedisConnectionException}, an {@code IOException}
 *       under a {@code RedisException}), silent ({@link RedisCommandTimeoutException}), or replied with
 *       one of {@link #RETRIABLE_REPLIES} — it is loading its data set, running a long script, failing
 *       over, or out of memory until keys expire or are evicted; plus whatever
 *       {@link ErrorClassifier#DEFAULT} retries;</li>
 *   <li>permanent: any other error reply — {@code WRONGTYPE}, a script error ({@code ERR Error running
 *       script}), {@code NOAUTH}/{@code WRONGPASS} (wrong settings) — and anything else.</li>
 * </ul>
 * The error code is the reply's first word, so {@code BUSYKEY} is not {@code BUSY}.
 *
 * <p>Thread-safety: stateless.
 */
final class RedisErrorClassifier implements ErrorClassifier {

    static final RedisErrorClassifier INSTANCE = new RedisErrorClassifier();

    /** Error codes of a server that cannot serve now but may soon. */
    static final Set<String> RETRIABLE_REPLIES = Set.of("LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "READONLY",
            "OOM");

    private RedisErrorClassifier() {
    }

    @Override
    public boolean isRetriable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RedisConnectionException || t instanceof RedisCommandTimeoutException) {
                return true;
            }
            if (t instanceof RedisCommandExecutionException && RETRIABLE_REPLIES.contains(code(t.getMessage()))) {
                return true;
            }
        }
        return DEFAULT.isRetriable(error);
    }

    /** The error code of a reply: its first word, e.g. {@code WRONGTYPE}. */
    static String code(String reply) {
        if (reply == null) {
            return "";
        }
        int space = reply.indexOf(' ');
        return space < 0 ? reply : reply.substring(0, space);
    }
}
