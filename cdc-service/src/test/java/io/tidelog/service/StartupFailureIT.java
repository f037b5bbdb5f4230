package io.tidelog.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresConfig;
import io.tidelog.harness.junit.PostgresExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Each way a source can be unusable stops startup with Spring Boot's failure report: one line
 * naming the problem, one naming the fix, and no stack trace.
 */
@ExtendWith({PostgresExtension.class, OutputCaptureExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StartupFailureIT {

    private static final String DB = "startup_it";

    private PostgresServer server;
    private PostgresServer replicaOnly;

    @BeforeAll
    void prepare(PostgresServer server, @PostgresConfig(walLevel = PostgresServer.WalLevel.REPLICA) PostgresServer replicaOnly)
            throws Exception {
        this.server = server;
        server.createDatabase(DB);
        server.execute(DB, """
                CREATE TABLE keyed (id int PRIMARY KEY, v text);
                CREATE TABLE no_key (v text);
                CREATE ROLE plain LOGIN PASSWORD 'plain-secret';
                """);
        this.replicaOnly = replicaOnly;
        replicaOnly.createDatabase(DB);
    }

    Stream<Arguments> failures() throws IOException {
        String good = url(server);
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        return Stream.of(
                Arguments.of("url missing", List.of("tidelog.source.url="),
                        "tidelog.source.url is not set", "Set tidelog.source.url to jdbc:postgresql://host:port/database"),
                Arguments.of("url malformed", List.of("tidelog.source.url=postgres://db:5432"),
                        "tidelog.source.url 'postgres://db:5432' is not of the form jdbc:postgresql://host:port/database",
                        "Set tidelog.source.url"),
                Arguments.of("unreachable", List.of("tidelog.source.url=jdbc:postgresql://127.0.0.1:" + closedPort + "/" + DB),
                        "Cannot reach PostgreSQL at 127.0.0.1:" + closedPort, "Check the host and port in tidelog.source.url"),
                Arguments.of("bad password", List.of("tidelog.source.url=" + good, "tidelog.source.password=wrong-secret"),
                        "rejected user '" + server.superuser() + "' (SQLState 28P01", "TIDELOG_SOURCE_PASSWORD"),
                Arguments.of("wal_level", List.of("tidelog.source.url=" + url(replicaOnly),
                                "tidelog.source.password=" + replicaOnly.superuserPassword()),
                        "has wal_level=replica; logical decoding needs wal_level=logical", "restart PostgreSQL"),
                Arguments.of("no replication", List.of("tidelog.source.url=" + good, "tidelog.source.username=plain",
                                "tidelog.source.password=plain-secret"),
                        "User 'plain' lacks the REPLICATION attribute", "ALTER ROLE \"plain\" WITH REPLICATION"),
                Arguments.of("table missing", List.of("tidelog.source.url=" + good, "tidelog.source.tables=public.keyed,public.nope"),
                        "Table public.nope (listed in tidelog.source.tables) does not exist in database 'startup_it'",
                        "fix or remove public.nope in tidelog.source.tables"),
                Arguments.of("no key", List.of("tidelog.source.url=" + good, "tidelog.source.tables=public.no_key"),
                        "Table public.no_key has no primary key and no REPLICA IDENTITY FULL",
                        "ALTER TABLE public.no_key REPLICA IDENTITY FULL"),
                Arguments.of("kafka without brokers", List.of("tidelog.source.url=" + good, "tidelog.log.backend=kafka"),
                        "tidelog.log.kafka.bootstrap-servers is required with tidelog.log.backend=kafka",
                        "Set tidelog.log.kafka.bootstrap-servers"),
                Arguments.of("kafka unreachable", List.of("tidelog.source.url=" + good, "tidelog.log.backend=kafka",
                                "tidelog.log.kafka.bootstrap-servers=127.0.0.1:" + closedPort, "tidelog.log.kafka.request-timeout=2s"),
                        "no Kafka broker at 127.0.0.1:" + closedPort, "Check tidelog.log.kafka.bootstrap-servers"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void refusesToStartWithOneLineNamingProblemAndFix(String name, List<String> properties, String problem, String fix,
                                                      CapturedOutput output) {
        Map<String, String> args = new LinkedHashMap<>();
        Stream.concat(Stream.of(
                        "tidelog.source.username=" + server.superuser(),
                        "tidelog.source.password=" + server.superuserPassword(),
                        "tidelog.source.tables=public.keyed",
                        "tidelog.data-dir=target/startup-it-data"), properties.stream())
                .forEach(p -> args.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1)));

        assertThatThrownBy(() -> new SpringApplicationBuilder(TidelogApplication.class)
                .web(WebApplicationType.NONE)
                .run(args.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new))
                .close())
                .hasStackTraceContaining(problem);

        String report = output.getAll();
        assertThat(report).contains("APPLICATION FAILED TO START");
        assertThat(lineAfter(report, "Description:")).contains(problem);
        assertThat(lineAfter(report, "Action:")).contains(fix);
        assertThat(report).as("no stack trace wall").doesNotContain("\tat ");
        assertThat(report).as("secrets stay out of output").doesNotContain(server.superuserPassword())
                .doesNotContain("plain-secret").doesNotContain("wrong-secret");
    }

    /** The first non-blank line after a heading of Spring Boot's failure report. */
    private static String lineAfter(String report, String heading) {
        int at = report.lastIndexOf(heading);
        assertThat(at).as("report has " + heading).isNotNegative();
        return report.substring(at + heading.length()).lines().filter(l -> !l.isBlank()).findFirst().orElse("");
    }

    private static String url(PostgresServer pg) {
        return "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + DB;
    }
}
