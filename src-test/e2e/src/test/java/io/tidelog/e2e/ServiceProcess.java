package io.tidelog.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Tidelog service running in a child JVM, the way an operator runs it: {@code java … TidelogApplication}
 * with the configuration on the command line and the password in the environment, on this JVM's class
 * path. Its stdout and stderr go to one file, which the test reads to follow the service (log lines) and
 * prints the end of when something goes wrong.
 *
 * <p>{@link #kill()} is a crash (SIGKILL, no shutdown hook runs); {@link #stop()} a clean stop (SIGTERM).
 * Either returns only once the process and every descendant it had are gone. One instance per process
 * start; not thread-safe.
 */
final class ServiceProcess {

    private static final String MAIN_CLASS = "io.tidelog.service.TidelogApplication";
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path output;

    private ServiceProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * Starts the service.
     *
     * @param workDir where the class-path argument file is written (once) and kept
     * @param output the file stdout and stderr go to (replaced)
     * @param environment added to this JVM's environment (the source password)
     * @param arguments Spring Boot command-line arguments ({@code --tidelog.…=…})
     */
    static ServiceProcess start(Path workDir, Path output, Map<String, String> environment, List<String> arguments)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A small heap and C1 only: ten restarts on two busy cores should not each cost a full warm-up.
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        command.add("@" + classPathFile(workDir));
        command.add(MAIN_CLASS);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()));
        builder.environment().putAll(environment);
        return new ServiceProcess(builder.start(), output);
    }

    /** This JVM's class path as a launcher argument file: it easily exceeds one command-line argument. */
    private static Path classPathFile(Path workDir) throws IOException {
        Path file = workDir.resolve("classpath.args");
        if (!Files.exists(file)) {
            // Temporary files (Tomcat's) stay in the work directory, also those of a killed service.
            Files.writeString(file, "-cp\n" + quoted(System.getProperty("java.class.path")) + "\n"
                    + quoted("-Djava.io.tmpdir=" + workDir) + "\n", StandardCharsets.UTF_8);
        }
        return file;
    }

    private static String quoted(String argument) {
        return "\"" + argument.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the service printed so far. */
    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean printed(String text) {
        return output().contains(text);
    }

    /** The last {@code lines} lines the service printed, for failure messages. */
    String tail(int lines) {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Waits for a process that ends by itself (a one-shot command); returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError("process " + pid() + " still running after " + timeout + ":\n" + tail(40));
        }
        return process.exitValue();
    }

    /** SIGKILL to the service and every descendant it has; returns once all are gone. */
    void kill() {
        List<ProcessHandle> tree = tree();
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitGone(tree, "killed");
    }

    /**
     * SIGTERM (a clean shutdown through Spring's shutdown hook); returns once the service and its
     * descendants are gone.
     *
     * @return the exit code
     */
    int stop() {
        List<ProcessHandle> tree = tree();
        process.destroy();
        awaitGone(tree, "stopped");
        // ProcessHandle can report the process gone a moment before Process has reaped it and holds
        // its exit code (exitValue() then throws IllegalThreadStateException): wait for the reaper.
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new AssertionError("service " + pid() + " gone, but its exit code never arrived");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for service " + pid() + " to be reaped", e);
        }
        return process.exitValue();
    }

    /** The descendants, listed before signalling: once the root exits, orphans are re-parented. */
    private List<ProcessHandle> tree() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        return tree;
    }

    private void awaitGone(List<ProcessHandle> tree, String what) {
        await("service " + pid() + " and its descendants " + what).atMost(EXIT_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
    }
}
