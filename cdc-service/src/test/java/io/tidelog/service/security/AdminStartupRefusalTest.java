package io.tidelog.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.capture.SourceCheckException;
import io.tidelog.service.TidelogApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The service refuses to start with the admin API enabled, no token and a non-loopback address —
 * before anything else starts: the check runs before any bean is created, so no database is needed.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminStartupRefusalTest {

    private static final String[] BASE = {
            "--server.port=0", "--tidelog.source.url=", "--tidelog.data-dir=target/admin-refusal-data",
            "--tidelog.source.password=db-pass-never-shown"};

    @Test
    void refusesToStartOnAllInterfacesWithoutAToken(CapturedOutput output) {
        assertThatThrownBy(() -> run("--server.address=0.0.0.0", "--tidelog.admin.token="))
                .isInstanceOf(UnprotectedAdminException.class)
                .hasMessage("The admin API is enabled without a token (tidelog.admin.token) and would "
                        + "listen on server.address=0.0.0.0, which is not a loopback address.");
        assertThat(output.getAll()).doesNotContain("db-pass-never-shown");
    }

    @Test
    void theFailureReportNamesTheProblemAndTheFixOnOneLineEach() {
        Throwable failure = catchFailure("--server.address=10.9.8.7", "--tidelog.admin.token=");
        FailureAnalysis analysis = new UnprotectedAdminFailureAnalyzer().analyze(failure);
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).isEqualTo("The admin API is enabled without a token (tidelog.admin.token) "
                + "and would listen on server.address=10.9.8.7, which is not a loopback address.").doesNotContain("\n");
        assertThat(analysis.getAction()).startsWith("Set the environment variable TIDELOG_ADMIN_TOKEN").doesNotContain("\n");
    }

    @Test
    void startsPastTheCheckWithATokenOrOnLoopbackOrDisabled() {
        // Each gets past the admin check and stops at the next one: no source URL is configured.
        for (String[] args : new String[][] {
                {"--server.address=0.0.0.0", "--tidelog.admin.token=t0ken-for-the-test"},
                {"--server.address=127.0.0.1", "--tidelog.admin.token="},
                {"--server.address=0.0.0.0", "--tidelog.admin.token=", "--tidelog.admin.enabled=false"}}) {
            assertThatThrownBy(() -> run(args)).as(String.join(" ", args))
                    .hasRootCauseInstanceOf(SourceCheckException.class);
        }
    }

    private static Throwable catchFailure(String... args) {
        try {
            run(args);
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("the service started");
    }

    private static void run(String... args) {
        String[] all = new String[BASE.length + args.length];
        System.arraycopy(BASE, 0, all, 0, BASE.length);
        System.arraycopy(args, 0, all, BASE.length, args.length);
        new SpringApplicationBuilder(TidelogApplication.class).web(WebApplicationType.SERVLET).run(all).close();
    }
}
