package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortTest {

    private static final ServerStartException TAKEN = new ServerStartException("fake", "exited with code 1",
            "FATAL: could not bind IPv4 address \"127.0.0.1\": Address already in use", null);
    private static final ServerStartException BROKEN = new ServerStartException("fake", "exited with code 1",
            "FATAL: unrecognized configuration parameter", null);

    @Test
    void findsAPortThatCanBeBound() throws IOException {
        int port = FreePort.find();

        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(FreePort.HOST))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void retriesOnAnotherPortWhileThePortWasTaken() {
        List<Integer> tried = new ArrayList<>();

        String result = FreePort.startOnFreePort(0, port -> {
            tried.add(port);
            if (tried.size() < FreePort.ATTEMPTS) {
                throw TAKEN;
            }
            return "started on " + port;
        });

        assertThat(tried).hasSize(FreePort.ATTEMPTS).allMatch(p -> p > 0);
        assertThat(result).isEqualTo("started on " + tried.get(tried.size() - 1));
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        List<Integer> tried = new ArrayList<>();

        assertThatThrownBy(() -> FreePort.startOnFreePort(0, port -> {
            tried.add(port);
            throw TAKEN;
        })).isSameAs(TAKEN);
        assertThat(tried).hasSize(FreePort.ATTEMPTS);
    }

    @Test
    void doesNotRetryOtherFailuresOrAFixedPort() {
        List<Integer> tried = new ArrayList<>();

        assertThatThrownBy(() -> FreePort.startOnFreePort(0, port -> {
            tried.add(port);
            throw BROKEN;
        })).isSameAs(BROKEN);
        assertThatThrownBy(() -> FreePort.startOnFreePort(5432, port -> {
            tried.add(port);
            throw TAKEN;
        })).isSameAs(TAKEN);
        assertThat(tried).hasSize(2).endsWith(5432);
    }
}
