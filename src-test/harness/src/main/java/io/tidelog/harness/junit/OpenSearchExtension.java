package io.tidelog.harness.junit;

import io.tidelog.harness.OpenSearchServer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects an {@link OpenSearchServer} (the defaults: 512 MB heap) into test constructors, test and
 * lifecycle methods: {@code @ExtendWith(OpenSearchExtension.class)}. The module needs the
 * distribution zip located for its tests (see {@link OpenSearchServer}).
 *
 * <p>A node takes 10–20 s to start, so exactly one is started per test run, on first use, and shared
 * by every test class; tests isolate themselves with unique index names and delete what they no
 * longer need. Lifecycle and failures as in {@link PostgresExtension}: the run's root store closes the
 * node when the run ends. Thread-safety: stateless; the node is started at most once.
 */
public final class OpenSearchExtension implements ParameterResolver {

    /** The one configuration, the key of the shared node in the store. */
    private record Config() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == OpenSearchServer.class;
    }

    @Override
    public OpenSearchServer resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedServers.get(context, parameter, OpenSearchServer.class, new Config(), OpenSearchServer::start);
    }
}
