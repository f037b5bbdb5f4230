package io.tidelog.service.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The bearer token guards every admin endpoint and the OpenAPI document, and nothing else. */
@ExtendWith(OutputCaptureExtension.class)
class AdminSecurityIT extends AdminItSupport {

    /** Every admin endpoint, as {method, path, body}; bodies are valid so only the token can stop them. */
    static final List<String[]> ENDPOINTS = List.of(
            new String[] {"GET", "/admin/status", null},
            new String[] {"GET", "/admin/sinks/cache", null},
            new String[] {"POST", "/admin/sinks/cache/pause", null},
            new String[] {"POST", "/admin/sinks/cache/resume", null},
            new String[] {"POST", "/admin/sinks/cache/reset", "{\"to\":\"latest\"}"},
            new String[] {"GET", "/admin/sinks/cache/dlq", null},
            new String[] {"POST", "/admin/sinks/cache/dlq/retry", null},
            new String[] {"POST", "/admin/log/compact", "{}"},
            new String[] {"GET", "/admin/log/topics/" + TOPIC + "/records", null},
            new String[] {"POST", "/admin/source/reset", "{\"confirm\":\"drop-slot-and-resnapshot\"}"},
            new String[] {"POST", "/admin/snapshots", "{\"tables\":[\"" + TABLE + "\"],\"mode\":\"incremental\"}"},
            new String[] {"GET", "/admin/snapshots/0b4f1a6e-8c2d-4e59-9a7b-3c1d2e3f4a5b", null},
            new String[] {"POST", "/admin/snapshots/0b4f1a6e-8c2d-4e59-9a7b-3c1d2e3f4a5b/cancel", null},
            new String[] {"GET", "/v3/api-docs", null},
            new String[] {"GET", "/v3/api-docs/swagger-config", null},
            new String[] {"GET", "/admin/no-such-endpoint", null});

    @Test
    void everyAdminEndpointAnswers401WithoutTheRightToken(CapturedOutput output) throws Exception {
        var before = committed("cache");
        List<String> headers = new ArrayList<>();
        headers.add(null);
        headers.addAll(List.of("Bearer", "Bearer ", "Bearer wrong-token", "Bearer " + TOKEN + "x",
                "Bearer " + TOKEN.substring(0, TOKEN.length() - 1), "Bearer " + TOKEN.toUpperCase(),
                "Basic " + TOKEN, TOKEN, "Token " + TOKEN));
        for (String[] e : ENDPOINTS) {
            for (String header : headers) {
                HttpResponse<String> r = send(e[0], e[1], e[2], header, e[2] == null ? null : "application/json");
                assertThat(r.statusCode()).as(e[0] + " " + e[1] + " with " + header).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
                assertThat(json(r).path("error").asString()).isNotBlank();
                assertThat(r.body()).doesNotContain(TOKEN);
            }
        }
        assertThat(committed("cache")).as("no request got through").isEqualTo(before);
        assertThat(runner("cache").state().name()).isEqualTo("RUNNING");
        assertThat(output.getAll()).as("tokens never logged").doesNotContain(TOKEN).doesNotContain("wrong-token");
    }

    @Test
    void theRightTokenGetsThroughToEveryEndpoint() throws Exception {
        for (String[] e : ENDPOINTS) {
            if (e[1].contains("pause") || e[1].contains("reset") || e[1].contains("compact")
                    || e[0].equals("POST") && e[1].equals("/admin/snapshots")) {
                continue; // state-changing: exercised in AdminApiIT and AdHocSnapshotsIT
            }
            HttpResponse<String> r = send(e[0], e[1], e[2], "Bearer " + TOKEN, e[2] == null ? null : "application/json");
            // 404: the unknown endpoint and snapshot id
            assertThat(r.statusCode()).as(e[0] + " " + e[1]).isIn(200, 404);
            assertThat(r.body()).doesNotContain(TOKEN).doesNotContain(pg.superuserPassword());
        }
        assertThat(send("GET", "/admin/status", null, "bearer   " + TOKEN + "  ", null).statusCode())
                .as("scheme case and spaces").isEqualTo(200);
    }

    @Test
    void pathTricksDoNotSlipPastTheGuard() throws Exception {
        for (String path : List.of("/ADMIN/status", "/Admin/Status", "/admin/status/", "/admin;x=1/status",
                "/admin/./status", "/actuator/../admin/status", "/%61dmin/status", "/admin//status",
                "/V3/api-docs", "/v3/api-docs.yaml")) {
            HttpResponse<String> r = send("GET", path, null, null, null);
            assertThat(r.statusCode()).as(path).isIn(400, 401);
            assertThat(r.body()).as(path).doesNotContain("\"sinks\"");
        }
    }

    @Test
    void healthAndMetricsNeedNoToken() throws Exception {
        assertThat(send("GET", "/actuator/health/liveness", null, null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/prometheus", null, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void errorBodiesCarryNoSecret() throws Exception {
        Map<String, String> bodies = Map.of(
                "/admin/sinks/cache/reset", "{\"to\":\"offsets\",\"offsets\":{\"" + TOPIC + "\":{\"0\":99999999}}}",
                "/admin/source/reset", "{\"confirm\":\"" + pg.superuserPassword() + "-no\"}",
                "/admin/log/compact", "{\"topic\":\"nope\"}");
        for (var e : bodies.entrySet()) {
            HttpResponse<String> r = post(e.getKey(), e.getValue());
            assertThat(r.statusCode()).isBetween(400, 499);
            assertThat(r.body()).doesNotContain(TOKEN).doesNotContain(pg.superuserPassword());
        }
    }
}
