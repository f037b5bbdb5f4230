package io.tidelog.bench.sinks;

import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.RedisServer;
import java.nio.file.Path;

/**
 * What one pipeline under test gets: a fresh PostgreSQL with the pre-loaded {@value #TABLE} table, a
 * fresh Redis, and a private work directory (deleted after the pipeline's run). Each pipeline gets its
 * own servers, so no pipeline inherits another's WAL, slot, bloat or Redis memory.
 *
 * <p>The table: {@code public.bench_rows(id bigint PRIMARY KEY, v bigint, pad text, ts_ms bigint)}, rows
 * {@code 1..rows} plus the probe row {@value #PROBE_ID}. Every update sets {@code v} to a new, globally
 * increasing version and {@code ts_ms} to the writer's wall clock (ms) just before the statement;
 * {@code REPLICA IDENTITY DEFAULT} (updates carry no before-image). The superuser owns everything:
 * {@code postgres().superuser()} / {@code superuserPassword()}.
 */
public record Env(PostgresServer postgres, String database, RedisServer redis, Path workDir, int rows) {

    public static final String SCHEMA = "public";
    public static final String TABLE = "bench_rows";
    /** The row the probe writer updates ~50 times a second during the latency phases. */
    public static final long PROBE_ID = 0;

    public String jdbcUrl() {
        return postgres.jdbcUrl(database);
    }
}
