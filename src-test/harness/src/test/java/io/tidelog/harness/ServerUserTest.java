package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerUserTest {

    @Test
    void dropsPrivilegesThroughSetprivWhenRoot() {
        assertThat(new ServerUser(true).wrap(List.of("postgres", "-D", "/data")))
                .containsExactly("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "postgres", "-D", "/data");
    }

    @Test
    void runsCommandsUnchangedOtherwise() {
        assertThat(new ServerUser(false).wrap(List.of("postgres", "-D", "/data"))).containsExactly("postgres", "-D", "/data");
    }
}
