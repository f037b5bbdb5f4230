package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoversTest {

    @TempDir
    Path base;

    private Process server;

    @AfterEach
    void killServer() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    void stopsTheServerAndDeletesTheWorkDirOfADeadJvm() throws Exception {
        Process deadJvm = new ProcessBuilder("true").start();
        deadJvm.waitFor();
        server = new ProcessBuilder("sleep", "600").start();
        Path dir = Files.createDirectory(base.resolve("tidelog-postgres-1"));
        Files.writeString(dir.resolve(Leftovers.OWNER_FILE), String.join("\n",
                "jvm.pid=" + deadJvm.pid(),
                "jvm.start=2026-01-01T00:00:00Z",
                ""));
        Leftovers.recordServer(dir, server.toHandle(), ProcessTree.Signal.TERM);

        Leftovers.sweep(base);

        assertThat(server.isAlive()).isFalse();
        assertThat(dir).doesNotExist();
    }

    @Test
    void leavesTheWorkDirsOfLiveJvmsAndFreshUnownedOnesAlone() throws IOException {
        server = new ProcessBuilder("sleep", "600").start();
        Path ours = Files.createDirectory(base.resolve("tidelog-postgres-2"));
        Leftovers.recordOwner(ours);
        Leftovers.recordServer(ours, server.toHandle(), ProcessTree.Signal.TERM);
        Path beingCreated = Files.createDirectory(base.resolve("tidelog-postgres-3"));
        Path unrelated = Files.createDirectory(base.resolve("other-dir"));

        Leftovers.sweep(base);

        assertThat(server.isAlive()).isTrue();
        assertThat(ours).exists();
        assertThat(beingCreated).exists();
        assertThat(unrelated).exists();
    }

    @Test
    void aReusedPidIsNotTheRecordedProcess() throws IOException {
        server = new ProcessBuilder("sleep", "600").start();
        Path dir = Files.createDirectory(base.resolve("tidelog-postgres-4"));
        Files.writeString(dir.resolve(Leftovers.OWNER_FILE), String.join("\n",
                "jvm.pid=" + ProcessHandle.current().pid(),
                "jvm.start=1970-01-01T00:00:00Z",
                "server.pid=" + server.pid(),
                "server.start=1970-01-01T00:00:00Z",
                ""));

        Leftovers.sweep(base);

        assertThat(server.isAlive()).as("a different process that happens to have the recorded pid").isTrue();
        assertThat(dir).doesNotExist();
    }
}
