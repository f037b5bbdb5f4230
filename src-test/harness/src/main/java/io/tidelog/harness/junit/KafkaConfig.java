package io.tidelog.harness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@link KafkaExtension} for a broker with other settings than the default one. Every parameter
 * with equal attributes receives the same shared broker; a parameter without this annotation receives
 * the default (no automatic topic creation, no extra properties).
 *
 * <pre>{@code
 * @Test
 * void producesToAnUnknownTopic(@KafkaConfig(autoCreateTopics = true) KafkaServer kafka) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface KafkaConfig {

    /** {@code auto.create.topics.enable}. */
    boolean autoCreateTopics() default false;

    /** Extra {@code server.properties} settings as {@code name=value}, applied last. */
    String[] properties() default {};
}
