package io.tidelog.harness.junit;

import io.tidelog.harness.RedisServer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link RedisServer} (the defaults: no persistence, no password) into test constructors,
 * test and lifecycle methods: {@code @ExtendWith(RedisExtension.class)}. The module needs
 * {@code com.github.codemonstur:embedded-redis} on its test class path (see {@link RedisServer}).
 *
 * <p>One server is shared by the whole test run; tests isolate themselves with unique key prefixes
 * (not {@code FLUSHALL}, which would hit tests running beside them). A test that needs other settings
 * starts its own with {@link RedisServer#builder()} and closes it. Lifecycle and failures as in
 * {@link PostgresExtension}. Thread-safety: stateless; the server is started at most once.
 */
public final class RedisExtension implements ParameterResolver {

    /** The one configuration, the key of the shared server in the store. */
    private record Config() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RedisServer.class;
    }

    @Override
    public RedisServer resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedServers.get(context, parameter, RedisServer.class, new Config(), RedisServer::start);
    }
}
