package io.tidelog.service.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminExposureTest {

    @ParameterizedTest(name = "enabled={0} token={1} address={2} -> refused={3}")
    @CsvSource(nullValues = "null", value = {
            // enabled, token,        address,       refused
            "true,  null,          127.0.0.1,     false",
            "true,  null,          ::1,           false",
            "true,  null,          localhost,     false",
            "true,  null,          127.0.0.2,     false",
            "true,  '   ',         127.0.0.1,     false",
            "true,  null,          0.0.0.0,       true",
            "true,  null,          ::,            true",
            "true,  null,          null,          true",
            "true,  '',            '',            true",
            "true,  '  ',          10.1.2.3,      true",
            "true,  null,          no-such-host.invalid, true",
            "true,  s3cret-token,  0.0.0.0,       false",
            "true,  s3cret-token,  null,          false",
            "false, null,          0.0.0.0,       false",
            "false, null,          null,          false",
    })
    void refusesAnAdminApiWithoutTokenOffLoopback(boolean enabled, String token, String address, boolean refused) {
        if (refused) {
            assertThatThrownBy(() -> AdminExposure.check(enabled, token, address))
                    .isInstanceOf(UnprotectedAdminException.class)
                    .hasMessageStartingWith("The admin API is enabled without a token (tidelog.admin.token)")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((UnprotectedAdminException) e).fix())
                            .contains("TIDELOG_ADMIN_TOKEN").contains("server.address").contains("tidelog.admin.enabled=false"));
        } else {
            assertThatCode(() -> AdminExposure.check(enabled, token, address)).doesNotThrowAnyException();
        }
    }
}
