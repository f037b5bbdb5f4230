package io.tidelog.harness.junit;

import io.tidelog.harness.PostgresServer;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link PostgresServer} into test constructors, test and lifecycle methods
 * ({@code @BeforeAll} included): {@code @ExtendWith(PostgresExtension.class)}.
 *
 * <p>Servers are shared by the whole test run (one JVM): the first parameter asking for a given
 * configuration starts it, every later one receives the same instance. The default configuration is
 * {@code wal_level=logical}; {@link PostgresConfig} on a parameter asks for another one, which gets
 * its own shared server. Because the server is shared, tests isolate themselves by creating their
 * own databases, slots and publications with unique names — and drop replication slots they no
 * longer read, since a slot pins WAL.
 *
 * <p>Lifecycle: each server lives in the root extension context's store ({@code SharedServers}), which closes it
 * ({@link AutoCloseable}) when the run ends, whether tests passed or failed; the harness's shutdown
 * hook covers a JVM that exits before that. A server that fails to start fails the parameter
 * resolution with its {@link io.tidelog.harness.ServerStartException} as the cause.
 *
 * <p>Thread-safety: stateless; the store starts each configuration's server at most once even under
 * parallel test execution.
 */
public final class PostgresExtension implements ParameterResolver {

    /** A server configuration, the key of its shared server in the store. */
    private record Config(PostgresServer.WalLevel walLevel, List<String> settings) {

        static final Config DEFAULT = new Config(PostgresServer.WalLevel.LOGICAL, List.of());

        static Config of(PostgresConfig annotation) {
            return new Config(annotation.walLevel(), List.of(annotation.settings()));
        }

        PostgresServer start() {
            PostgresServer.Builder builder = PostgresServer.builder().walLevel(walLevel)
                    .name("postgres-" + walLevel.name().toLowerCase(Locale.ROOT));
            SharedServers.settings(PostgresConfig.class, settings).forEach(builder::setting);
            return builder.start();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PostgresServer.class;
    }

    @Override
    public PostgresServer resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Config config = parameter.findAnnotation(PostgresConfig.class).map(Config::of).orElse(Config.DEFAULT);
        return SharedServers.get(context, parameter, PostgresServer.class, config, config::start);
    }
}
