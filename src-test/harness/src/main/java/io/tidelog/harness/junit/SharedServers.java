package io.tidelog.harness.junit;

import io.tidelog.harness.ManagedServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/**
 * The one place where the extensions keep their servers: the root extension context's store, keyed
 * by server type and configuration. The first request for a key starts the server; every later one,
 * from any test class of the run, receives the same instance. JUnit closes the store's
 * {@link AutoCloseable} values when the run ends, passed or failed. Stateless; the store starts each
 * key's server at most once even under parallel execution.
 */
final class SharedServers {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedServers.class);

    private SharedServers() {
    }

    /**
     * The run's server for {@code config}, started by {@code start} if there is none yet.
     *
     * @param config a value object (a record) naming the server's configuration; equal configurations share a server
     * @throws ParameterResolutionException with the {@link io.tidelog.harness.ServerStartException} as its cause
     */
    static <S extends ManagedServer> S get(ExtensionContext context, ParameterContext parameter, Class<S> type,
                                           Object config, Supplier<S> start) {
        try {
            return context.getRoot().getStore(NAMESPACE)
                    .computeIfAbsent(new Key(type, config), key -> start.get(), type);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot start " + type.getSimpleName() + " for " + parameter.getParameter(), e);
        }
    }

    /** Parses an annotation's {@code name=value} settings, in order; a malformed one fails the parameter. */
    static Map<String, String> settings(Class<?> annotation, List<String> settings) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new ParameterResolutionException("@" + annotation.getSimpleName() + " setting is not name=value: " + setting);
            }
            parsed.put(setting.substring(0, equals).trim(), setting.substring(equals + 1).trim());
        }
        return parsed;
    }

    private record Key(Class<?> type, Object config) {
    }
}
