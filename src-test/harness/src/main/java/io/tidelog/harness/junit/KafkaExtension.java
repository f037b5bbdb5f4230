package io.tidelog.harness.junit;

import io.tidelog.harness.KafkaServer;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link KafkaServer} into test constructors, test and lifecycle methods
 * ({@code @BeforeAll} included): {@code @ExtendWith(KafkaExtension.class)}. The module needs
 * {@code org.apache.kafka:kafka_2.13} on its test class path (see {@link KafkaServer}).
 *
 * <p>Brokers are shared by the whole test run (one JVM): the first parameter asking for a given
 * configuration starts it, every later one receives the same instance; {@link KafkaConfig} on a
 * parameter asks for another configuration, which gets its own shared broker. Because the broker is
 * shared, tests isolate themselves with unique topic and consumer group names.
 *
 * <p>Lifecycle: as {@link PostgresExtension} — the root store closes each broker when the run ends,
 * and a broker that fails to start fails the parameter resolution with its
 * {@link io.tidelog.harness.ServerStartException} as the cause.
 *
 * <p>Thread-safety: stateless; each configuration's broker is started at most once.
 */
public final class KafkaExtension implements ParameterResolver {

    /** A broker configuration, the key of its shared broker in the store. */
    private record Config(boolean autoCreateTopics, List<String> properties) {

        static final Config DEFAULT = new Config(false, List.of());

        static Config of(KafkaConfig annotation) {
            return new Config(annotation.autoCreateTopics(), List.of(annotation.properties()));
        }

        KafkaServer start() {
            KafkaServer.Builder builder = KafkaServer.builder().autoCreateTopics(autoCreateTopics)
                    .name(autoCreateTopics ? "kafka-autocreate" : "kafka");
            SharedServers.settings(KafkaConfig.class, properties).forEach(builder::brokerProperty);
            return builder.start();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaServer.class;
    }

    @Override
    public KafkaServer resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Config config = parameter.findAnnotation(KafkaConfig.class).map(Config::of).orElse(Config.DEFAULT);
        return SharedServers.get(context, parameter, KafkaServer.class, config, config::start);
    }
}
