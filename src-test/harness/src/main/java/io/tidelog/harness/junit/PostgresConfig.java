package io.tidelog.harness.junit;

import io.tidelog.harness.PostgresServer;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@link PostgresExtension} for a server with other settings than the default one. Every
 * parameter with equal attributes receives the same shared server; a parameter without this
 * annotation receives the default ({@code wal_level=logical}, no extra settings).
 *
 * <pre>{@code
 * @Test
 * void rejectsReplicaWalLevel(@PostgresConfig(walLevel = WalLevel.REPLICA) PostgresServer postgres) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface PostgresConfig {

    PostgresServer.WalLevel walLevel() default PostgresServer.WalLevel.LOGICAL;

    /** Extra {@code postgresql.conf} settings as {@code name=value}, applied last. */
    String[] settings() default {};
}
