package io.tidelog.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The guard on its own: which paths it covers and what it answers, without a server. */
class AdminTokenFilterTest {

    private static final String TOKEN = "correct-horse-battery-staple";

    @ParameterizedTest(name = "{0} guarded={1}")
    @CsvSource({
            "/admin/status, true",
            "/admin, true",
            "/ADMIN/status, true",
            "/Admin/sinks/cache/pause, true",
            "/v3/api-docs, true",
            "/v3/api-docs/swagger-config, true",
            "/v3/api-docs.yaml, true",
            "/actuator/health, false",
            "/, false",
            "/index.html, false",
    })
    void guardsAdminAndApiDocsPathsOnly(String path, boolean guarded) {
        assertThat(AdminTokenFilter.isGuarded(path)).isEqualTo(guarded);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(nullValues = "null", value = {
            "Bearer abc, abc",
            "bearer abc, abc",
            "BEARER   abc  , abc",
            "Bearer, null",
            "Bearer , null",
            "Basic YWJjOmRlZg==, null",
            "abc, null",
            "null, null",
    })
    void readsTheBearerToken(String header, String token) {
        assertThat(AdminTokenFilter.bearer(header)).isEqualTo(token);
    }

    @Test
    void letsTheRightTokenThrough() throws Exception {
        Result r = run(new AdminTokenFilter(true, TOKEN, 1024), request("/admin/status", "Bearer " + TOKEN));
        assertThat(r.passed()).isTrue();
        assertThat(r.response().getStatus()).isEqualTo(200);
    }

    @Test
    void answers401WithoutOrWithAWrongToken() throws Exception {
        AdminTokenFilter filter = new AdminTokenFilter(true, TOKEN, 1024);
        for (String header : new String[] {null, "Bearer wrong", "Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1),
                "Basic " + TOKEN, TOKEN}) {
            Result r = run(filter, request("/admin/status", header));
            assertThat(r.passed()).as(String.valueOf(header)).isFalse();
            assertThat(r.response().getStatus()).isEqualTo(401);
            assertThat(r.response().getHeader("WWW-Authenticate")).startsWith("Bearer realm=\"tidelog-admin\"");
            assertThat(r.response().getContentAsString()).startsWith("{\"error\":").doesNotContain(TOKEN);
        }
    }

    @Test
    void answers403SayingToSetTheTokenWhenNoneIsConfigured() throws Exception {
        Result r = run(new AdminTokenFilter(true, "  ", 1024), request("/admin/status", "Bearer anything"));
        assertThat(r.passed()).isFalse();
        assertThat(r.response().getStatus()).isEqualTo(403);
        assertThat(r.response().getContentAsString()).contains("TIDELOG_ADMIN_TOKEN");
    }

    @Test
    void answers404WhenTheAdminApiIsDisabled() throws Exception {
        Result r = run(new AdminTokenFilter(false, TOKEN, 1024), request("/admin/status", "Bearer " + TOKEN));
        assertThat(r.passed()).isFalse();
        assertThat(r.response().getStatus()).isEqualTo(404);
    }

    @Test
    void leavesOtherPathsAlone() throws Exception {
        Result r = run(new AdminTokenFilter(true, TOKEN, 1024), request("/actuator/health", null));
        assertThat(r.passed()).isTrue();
    }

    @Test
    void refusesABodyOverTheLimitByItsLength() throws Exception {
        MockHttpServletRequest request = request("/admin/log/compact", "Bearer " + TOKEN);
        request.setContent(new byte[2048]);
        Result r = run(new AdminTokenFilter(true, TOKEN, 1024), request);
        assertThat(r.passed()).isFalse();
        assertThat(r.response().getStatus()).isEqualTo(413);
    }

    @Test
    void failsReadingABodyOverTheLimitWithoutALength() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/admin/log/compact") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        request.setServletPath("/admin/log/compact");
        request.addHeader("Authorization", "Bearer " + TOKEN);
        request.setContent("x".repeat(2048).getBytes(StandardCharsets.UTF_8));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        FilterChain chain = (req, res) -> {
            try {
                ((HttpServletRequest) req).getInputStream().readAllBytes();
            } catch (IOException e) {
                failure.set(e);
            }
        };
        new AdminTokenFilter(true, TOKEN, 1024).doFilter(request, new MockHttpServletResponse(), chain);
        assertThat(failure.get()).isInstanceOf(AdminTokenFilter.BodyTooLargeException.class);
    }

    private static MockHttpServletRequest request(String path, String authorization) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
        request.setServletPath(path);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        return request;
    }

    private record Result(boolean passed, MockHttpServletResponse response) {
    }

    private static Result run(AdminTokenFilter filter, MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        boolean[] passed = {false};
        filter.doFilter(request, response, (req, res) -> passed[0] = true);
        return new Result(passed[0], response);
    }
}
