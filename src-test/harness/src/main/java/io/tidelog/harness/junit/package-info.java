/**
 * JUnit Jupiter extensions that inject harness servers into tests: {@link io.tidelog.harness.junit.PostgresExtension},
 * {@link io.tidelog.harness.junit.KafkaExtension}, {@link io.tidelog.harness.junit.RedisExtension} and
 * {@link io.tidelog.harness.junit.OpenSearchExtension}. Each shares one server per configuration across
 * the whole test run, kept in the root extension context's store, which closes it when the run ends.
 * Needs {@code junit-jupiter-api} (an optional dependency of the harness) and JUnit 5.13 or later, which
 * closes {@link AutoCloseable} values in an extension store.
 */
package io.tidelog.harness.junit;
