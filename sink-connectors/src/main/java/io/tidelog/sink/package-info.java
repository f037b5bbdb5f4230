/**
 * Sinks: the runner (consumer groups over the log, batching, retries, dead letters) and the Redis,
 * OpenSearch and DuckDB sinks (issue: sinks). Empty until then: the module exists so the build and
 * the folder tree show where it goes in the data path ({@code capture → log → sinks}).
 */
package io.tidelog.sink;
