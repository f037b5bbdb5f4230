/**
 * JUnit Jupiter extensions that inject harness servers into tests. Needs {@code junit-jupiter-api}
 * (an optional dependency of the harness) and JUnit 5.13 or later, which closes {@link AutoCloseable}
 * values in an extension store.
 */
package io.tidelog.harness.junit;
