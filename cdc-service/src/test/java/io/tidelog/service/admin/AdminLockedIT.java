package io.tidelog.service.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.service.TidelogApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Without a token the service starts on loopback (the default bind), but the admin API is locked:
 * every admin request is 403 with a body saying to set {@code TIDELOG_ADMIN_TOKEN}; health still answers.
 */
@ExtendWith(PostgresExtension.class)
class AdminLockedIT {

    private static final String DB = "admin_locked_it";

    @TempDir
    Path dataDir;

    @Test
    void adminIsLockedWithoutAToken(PostgresServer pg) throws Exception {
        pg.createDatabase(DB);
        pg.execute(DB, "CREATE TABLE locked_items (id int PRIMARY KEY)", "INSERT INTO locked_items VALUES (1)");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TidelogApplication.class).run(
                "--server.port=0",
                "--tidelog.source.url=" + pg.jdbcUrl(DB),
                "--tidelog.source.username=" + pg.superuser(),
                "--tidelog.source.password=" + pg.superuserPassword(),
                "--tidelog.source.tables=public.locked_items",
                "--tidelog.source.slot-name=" + DB,
                "--tidelog.source.publication-name=" + DB,
                "--tidelog.data-dir=" + dataDir,
                "--tidelog.admin.token=")) {
            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/admin/status", "/admin/sinks/x/pause", "/v3/api-docs")) {
                for (String auth : new String[] {null, "Bearer anything"}) {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                            .method(path.contains("pause") ? "POST" : "GET", HttpRequest.BodyPublishers.noBody());
                    if (auth != null) {
                        b.header("Authorization", auth);
                    }
                    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(path).isEqualTo(403);
                    assertThat(AdminItSupport.JSON.readTree(r.body()).path("error").asString())
                            .contains("no token is configured").contains("TIDELOG_ADMIN_TOKEN");
                }
            }
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/liveness")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        } finally {
            pg.execute(DB, "SELECT pg_drop_replication_slot('" + DB + "') FROM pg_replication_slots WHERE slot_name = '" + DB + "'");
        }
    }
}
