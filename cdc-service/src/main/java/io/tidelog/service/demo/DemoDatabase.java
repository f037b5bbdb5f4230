package io.tidelog.service.demo;

import io.tidelog.capture.SourceAddress;
import io.tidelog.harness.PostgresServer;
import io.tidelog.service.config.SourceConnection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's source: a PostgreSQL 17 started by Tidelog itself (from the binaries in the harness
 * module's dependencies), with a small shop schema. Stopped, and its files removed, with the
 * application context.
 */
public final class DemoDatabase implements AutoCloseable {

    static final String DATABASE = "shop";
    private static final Logger log = LoggerFactory.getLogger(DemoDatabase.class);

    private static final String SCHEMA = """
            CREATE TABLE customers (
                id         bigserial PRIMARY KEY,
                name       text        NOT NULL,
                email      text        NOT NULL,
                tier       text        NOT NULL DEFAULT 'basic',
                updated_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE orders (
                id          bigserial PRIMARY KEY,
                customer_id bigint        NOT NULL REFERENCES customers (id),
                amount      numeric(12,2) NOT NULL,
                status      text          NOT NULL DEFAULT 'new',
                created_at  timestamptz   NOT NULL DEFAULT now());
            INSERT INTO customers (name, email)
                SELECT 'Customer ' || g, 'customer' || g || '@example.com' FROM generate_series(1, 20) g;
            INSERT INTO orders (customer_id, amount)
                SELECT 1 + g % 20, round((random() * 200)::numeric, 2) FROM generate_series(1, 50) g;
            """;

    private final PostgresServer server;

    public DemoDatabase() {
        long t0 = System.nanoTime();
        server = PostgresServer.builder().name("demo-postgres").start();
        try {
            server.createDatabase(DATABASE);
            server.execute(DATABASE, SCHEMA);
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw new IllegalStateException("Could not create the demo schema: " + e.getMessage(), e);
        }
        log.info("Demo PostgreSQL ready at {}:{}/{} in {} ms (tables public.customers, public.orders)",
                server.host(), server.port(), DATABASE, (System.nanoTime() - t0) / 1_000_000);
    }

    /** How capture connects to the demo database. */
    public SourceConnection connection() {
        return new SourceConnection(new SourceAddress(server.host(), server.port(), DATABASE),
                server.superuser(), server.superuserPassword());
    }

    /** The embedded server, for the write load and for tests that check it is gone after shutdown. */
    public PostgresServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
