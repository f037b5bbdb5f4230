package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A closed or failed server leaves no process and no work directory behind. */
class ServerCleanupIT {

    @Test
    void closeStopsThePostmasterAndItsChildrenAndDeletesTheWorkDir() {
        PostgresServer postgres = PostgresServer.builder().name("cleanup-close").start();
        ProcessHandle postmaster = postgres.processHandle();
        List<ProcessHandle> children = postmaster.descendants().collect(Collectors.toList());
        Path workDir = postgres.workDir();
        assertThat(children).as("checkpointer, walwriter, ...").isNotEmpty();
        assertThat(processesMentioning(workDir.toString())).contains(postmaster.pid());

        postgres.close();

        assertThat(postmaster.isAlive()).isFalse();
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(processesMentioning(workDir.toString())).isEmpty();
        assertThat(workDir).doesNotExist();
        assertThat(postgres.isRunning()).isFalse();
        postgres.close(); // idempotent
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown setting                      | no_such_setting | 1       | no_such_setting
            invalid value                        | max_connections | lots    | max_connections
            wal senders need wal_level >= replica | wal_level       | minimal | max_wal_senders
            """)
    void aFailedStartThrowsWithTheLogTailAndLeavesNothingBehind(String scenario, String name, String value, String logged) {
        String server = "failing-" + name.replace('_', '-');
        assertThatThrownBy(() -> PostgresServer.builder().name(server).setting(name, value).start())
                .isInstanceOfSatisfying(ServerStartException.class, e -> {
                    assertThat(e.server()).isEqualTo(server);
                    assertThat(e.reason()).contains("exited with code");
                    assertThat(e.logTail()).contains(logged);
                    assertThat(e.getMessage()).contains(e.reason()).contains(e.logTail());
                    assertThat(e.portInUse()).isFalse();
                });
        assertThat(workDirsOf(server)).isEmpty();
        assertThat(processesMentioning("tidelog-" + server + "-")).isEmpty();
    }

    @Test
    void aTakenFixedPortIsReportedAsPortInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> PostgresServer.builder().name("port-taken").port(taken.getLocalPort()).start())
                    .isInstanceOfSatisfying(ServerStartException.class, e -> {
                        assertThat(e.portInUse()).isTrue();
                        assertThat(e.logTail()).contains("Address already in use");
                    });
        }
        assertThat(workDirsOf("port-taken")).isEmpty();
    }

    static List<Path> workDirsOf(String server) {
        Path base = Path.of(System.getProperty(WorkDirs.BASE_DIR_PROPERTY, System.getProperty("java.io.tmpdir")));
        try (Stream<Path> dirs = Files.list(base)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("tidelog-" + server + "-")).collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Long> processesMentioning(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .map(ProcessHandle::pid)
                .collect(Collectors.toList());
    }
}
