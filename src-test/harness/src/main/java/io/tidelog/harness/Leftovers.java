package io.tidelog.harness;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after JVMs that died without running their shutdown hook (SIGKILL, a killed test fork):
 * their servers keep running and their work directories stay behind.
 *
 * <p>Each work directory holds {@value #OWNER_FILE}: the owning JVM's pid and start time and, once
 * launched, the server's pid, start time and stop signal. {@link #sweep(Path)} stops the server and
 * deletes the directory only when the owning JVM is provably gone (no such pid, or a pid reused by a
 * process started at another time), so it never touches another live JVM's servers. A directory
 * without the file is deleted only once it is older than {@link #UNOWNED_AGE}. Stateless; safe to run
 * in several JVMs at once.
 */
final class Leftovers {

    static final String OWNER_FILE = "owner.properties";
    static final Duration UNOWNED_AGE = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(Leftovers.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private Leftovers() {
    }

    /** Marks {@code workDir} as owned by this JVM. */
    static void recordOwner(Path workDir) throws IOException {
        Properties owner = new Properties();
        describe(owner, "jvm", ProcessHandle.current());
        write(workDir, owner);
    }

    /** Records the server process so that a sweep can stop it if this JVM dies. */
    static void recordServer(Path workDir, ProcessHandle server, ProcessTree.Signal stopSignal) throws IOException {
        Properties owner = read(workDir).orElseGet(Properties::new);
        describe(owner, "server", server);
        owner.setProperty("server.stop-signal", stopSignal.name());
        write(workDir, owner);
    }

    /** Stops and deletes what dead JVMs left in {@code base}; failures are logged, never thrown. */
    static void sweep(Path base) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, "tidelog-*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    sweepOne(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("could not look for leftovers in {}: {}", base, e.toString());
        }
    }

    private static void sweepOne(Path dir) {
        try {
            Optional<Properties> owner = read(dir);
            if (owner.isEmpty()) {
                Instant modified = Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant();
                if (modified.isAfter(Instant.now().minus(UNOWNED_AGE))) {
                    return; // perhaps being created right now
                }
            } else if (find(owner.get(), "jvm").isPresent()) {
                return; // its JVM still runs
            }
            owner.flatMap(o -> find(o, "server")).ifPresent(server -> ProcessTree.stop(server,
                    ProcessTree.Signal.valueOf(owner.get().getProperty("server.stop-signal", "TERM")), STOP_GRACE));
            WorkDirs.delete(dir);
            log.warn("removed {}, left behind by a JVM that exited without closing its server", dir);
        } catch (IOException | RuntimeException e) {
            log.debug("could not clean up {}: {}", dir, e.toString());
        }
    }

    /** The process recorded under {@code prefix}, if it still runs — the same process, not a reused pid. */
    private static Optional<ProcessHandle> find(Properties owner, String prefix) {
        String pid = owner.getProperty(prefix + ".pid");
        String start = owner.getProperty(prefix + ".start", "");
        if (pid == null) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(pid))
                .filter(ProcessTree::isRunning)
                .filter(p -> start.equals(startOf(p)));
    }

    private static void describe(Properties owner, String prefix, ProcessHandle process) {
        owner.setProperty(prefix + ".pid", Long.toString(process.pid()));
        owner.setProperty(prefix + ".start", startOf(process));
    }

    private static String startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toString).orElse("");
    }

    private static Optional<Properties> read(Path dir) throws IOException {
        Path file = dir.resolve(OWNER_FILE);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            Properties owner = new Properties();
            owner.load(reader);
            return Optional.of(owner);
        }
    }

    private static void write(Path dir, Properties owner) throws IOException {
        try (Writer writer = Files.newBufferedWriter(dir.resolve(OWNER_FILE))) {
            owner.store(writer, "tidelog-harness: who owns this work directory");
        }
    }
}
