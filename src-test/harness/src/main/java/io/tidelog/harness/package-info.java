/**
 * Real servers for tests and the demo, started from packages that Maven delivers.
 *
 * <p>Every server is a {@link io.tidelog.harness.ManagedServer}: a child process of this JVM with its
 * own temporary work directory (binaries, data, logs) that {@code close()} stops — the process and
 * all its descendants — and then deletes. A JVM shutdown hook closes whatever is still running.
 * When the JVM runs as root, servers run as the unprivileged user 65534 through {@code setpriv},
 * because PostgreSQL (and later OpenSearch) refuse to run as root.
 *
 * <p>The public API is {@link io.tidelog.harness.ManagedServer}, the fixtures
 * ({@link io.tidelog.harness.PostgresServer}) and {@link io.tidelog.harness.ServerStartException}.
 * Everything a new fixture needs — work directory, launching, readiness, stopping, ports, archive
 * extraction — is package-private in this package, in {@code ServerRuntime} and its helpers; a new
 * fixture is a class beside {@code PostgresServer} that composes a {@code ServerRuntime}.
 *
 * <p>Plain Java: no Spring, no test libraries at run time. The JUnit extensions live in
 * {@link io.tidelog.harness.junit}.
 */
package io.tidelog.harness;
