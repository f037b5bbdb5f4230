package io.tidelog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidelog.event.ChangeEvent;
import io.tidelog.event.Op;
import io.tidelog.harness.PostgresServer;
import io.tidelog.service.TidelogApplication;
import io.tidelog.service.capture.RecentChanges;
import io.tidelog.service.demo.DemoDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's run command in miniature: the demo profile starts its own PostgreSQL, captures the
 * demo write load, reports UP and a live progress line, and leaves nothing behind when stopped.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoProfileIT {

    @Test
    void demoCapturesLiveChangesAndShutsDownClean(CapturedOutput output) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TidelogApplication.class)
                .profiles("demo")
                .properties("server.port=0", "tidelog.demo.transactions-per-second=20")
                .run();
        PostgresServer postgres;
        Path workDir;
        ProcessHandle process;
        try {
            postgres = context.getBean(DemoDatabase.class).server();
            workDir = postgres.workDir();
            process = postgres.processHandle();
            assertThat(process.isAlive()).isTrue();

            RecentChanges recent = context.getBean(RecentChanges.class);
            await("demo changes captured by streaming").atMost(Duration.ofSeconds(20)).until(() ->
                    recent.latest().stream().map(ChangeEvent::op).anyMatch(op -> op != Op.READ));
            List<ChangeEvent> seen = recent.latest();
            assertThat(seen).extracting(e -> e.table().toString()).containsAnyOf("public.orders", "public.customers");

            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(health.body()).path("status").asText()).isEqualTo("UP");

            await("a live progress line").atMost(Duration.ofSeconds(10))
                    .until(() -> output.getOut().contains("captured ") && output.getOut().contains("/s (c="));
        } finally {
            context.close();
        }

        assertThat(process.isAlive()).as("postgres stopped").isFalse();
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(workDir.toString())))
                .as("no process left running from " + workDir).isEmpty();
        assertThat(Files.exists(workDir)).as("work dir removed").isFalse();
        assertThat(output.getAll()).doesNotContain(postgres.superuserPassword());
    }
}
