package io.tidelog.service.page;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.harness.RedisServer;
import io.tidelog.harness.junit.RedisExtension;
import io.tidelog.service.TidelogApplication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The status page in a real browser: Debian's headless Chromium driven by Playwright
 * ({@code src/test/browser/status-page.mjs}, {@code playwright-core} from npm, no browser download)
 * against a running Tidelog with the demo profile (embedded PostgreSQL and a continuous write load)
 * and a Redis sink {@code cache}. The script asserts (non-zero exit on failure): the page and its
 * assets are served without a token while {@code /admin/status} is not; a wrong token gets a clear
 * 401 message; with the right one the counters show numbers that grow while the demo writes; Pause
 * shows PAUSED (and the API agrees) while lag builds up; Resume catches up; Reset asks first and
 * rebuilds the sink; the chart draws. It saves {@code target/status-page.png}.
 *
 * <p>Needs node + npm (the machine has them) and {@code chromium}: when missing and running as root,
 * this test installs it with {@code apt-get install -y chromium}; otherwise it fails saying how to
 * install it. It is never skipped.
 */
@ExtendWith(RedisExtension.class)
class StatusPageIT {

    private static final String TOKEN = "status-page-it-token-4d1b8e02";
    private static final String SINK = "cache";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
    private static final List<String> PAGE_FILES = List.of("package.json", "package-lock.json", "status-page.mjs");

    @TempDir
    Path dataDir;

    @Test
    void statusPageShowsLiveNumbersAndSteersASink(RedisServer redis) throws Exception {
        Path module = moduleDir();
        Path chromium = chromium();
        Path node = executable("node").orElseThrow(() -> new AssertionError(
                "node is not on the PATH: the status page test needs node 20+ and npm (apt-get install nodejs npm)"));
        Path driver = installDriver(module);
        Path screenshot = module.resolve("target/status-page.png");
        Files.deleteIfExists(screenshot);

        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TidelogApplication.class)
                .profiles("demo")
                .run("--server.port=0",
                        "--tidelog.data-dir=" + dataDir,
                        "--tidelog.admin.token=" + TOKEN,
                        "--tidelog.demo.transactions-per-second=10",
                        "--tidelog.sinks." + SINK + ".type=redis",
                        "--tidelog.sinks." + SINK + ".redis.uri=" + redis.uri(),
                        "--tidelog.sinks." + SINK + ".redis.key-template=status_page_it:{table}:{pk}")) {
            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            Run run = run(List.of(node.toString(), "status-page.mjs"), driver, Map.of(
                    "BASE_URL", base,
                    "ADMIN_TOKEN", TOKEN,
                    "SINK", SINK,
                    "CHROMIUM", chromium.toString(),
                    "SCREENSHOT", screenshot.toString(),
                    // -DstatusPage.chartSamples=120: a fuller chart in the screenshot (for the README)
                    "CHART_SAMPLES", System.getProperty("statusPage.chartSamples", "10")),
                    SCRIPT_TIMEOUT.plusSeconds(2 * Long.getLong("statusPage.chartSamples", 10)));
            System.out.println("--- status-page.mjs ---\n" + run.output() + "--- end (exit " + run.exit() + ") ---");
            assertThat(run.exit()).as("status-page.mjs failed:\n%s", run.output()).isZero();
            assertThat(run.output()).contains("PASS:");
            assertThat(screenshot).isRegularFile();
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);
        }
    }

    // --- the browser and the driver ------------------------------------------------------------

    /** Debian's chromium, installed with apt-get when missing and running as root. */
    private static Path chromium() throws Exception {
        Optional<Path> found = executable("chromium");
        if (found.isPresent()) {
            return found.get();
        }
        if (!isRoot()) {
            throw new AssertionError("chromium is not installed and this test is not running as root, so it cannot "
                    + "install it: run `sudo apt-get install -y chromium` (Debian's package) and build again");
        }
        System.out.println("StatusPageIT: chromium missing; installing it with apt-get (once per machine)");
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        List<String> install = List.of("apt-get", "install", "-y", "-q", "chromium");
        Run first = run(install, Path.of("/"), env, INSTALL_TIMEOUT);
        if (first.exit() != 0) {
            // Stale or missing package lists on a fresh machine: refresh them once and try again.
            Run update = run(List.of("apt-get", "update", "-q"), Path.of("/"), env, INSTALL_TIMEOUT);
            Run second = run(install, Path.of("/"), env, INSTALL_TIMEOUT);
            if (second.exit() != 0) {
                throw new AssertionError("could not install chromium with apt-get (exit " + second.exit() + "):\n"
                        + tail(first.output()) + "\n--- apt-get update ---\n" + tail(update.output())
                        + "\n--- apt-get install, again ---\n" + tail(second.output()));
            }
        }
        return executable("chromium").orElseThrow(() ->
                new AssertionError("apt-get installed chromium but no `chromium` is on the PATH"));
    }

    /**
     * Copies the driver script and its npm manifest to {@code target/status-page-browser} and installs
     * {@code playwright-core} there with {@code npm ci} (only when the lock file changed).
     */
    private static Path installDriver(Path module) throws Exception {
        Path source = module.resolve("src/test/browser");
        Path dir = module.resolve("target/status-page-browser");
        Files.createDirectories(dir);
        boolean installed = Files.isRegularFile(dir.resolve("node_modules/playwright-core/package.json"))
                && Files.isRegularFile(dir.resolve("package-lock.json"))
                && Arrays.equals(Files.readAllBytes(dir.resolve("package-lock.json")),
                        Files.readAllBytes(source.resolve("package-lock.json")));
        for (String file : PAGE_FILES) {
            Files.copy(source.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!installed) {
            Path npm = executable("npm").orElseThrow(() -> new AssertionError(
                    "npm is not on the PATH: the status page test installs playwright-core with npm ci"));
            Run ci = run(List.of(npm.toString(), "ci", "--no-audit", "--no-fund", "--loglevel=error"), dir,
                    Map.of(), INSTALL_TIMEOUT);
            if (ci.exit() != 0) {
                throw new AssertionError("npm ci in " + dir + " failed (exit " + ci.exit() + "):\n" + tail(ci.output()));
            }
        }
        return dir;
    }

    // --- processes -------------------------------------------------------------------------------

    private record Run(int exit, String output) {
    }

    /** Runs a command to completion (stdout and stderr together); killed, with exit -1, after {@code timeout}. */
    private static Run run(List<String> command, Path dir, Map<String, String> env, Duration timeout) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), out), "status-page-it-output");
        reader.setDaemon(true);
        reader.start();
        boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5000);
        String output;
        synchronized (out) {
            output = out.toString(StandardCharsets.UTF_8);
        }
        return done ? new Run(process.exitValue(), output)
                : new Run(-1, output + "\n(killed after " + timeout.toSeconds() + " s: " + String.join(" ", command) + ")\n");
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Path> executable(String name) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/bin", "/usr/local/bin", "/bin"));
        return dirs.stream().filter(d -> !d.isBlank()).map(d -> Path.of(d, name))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    private static boolean isRoot() throws Exception {
        Run id = run(List.of("id", "-u"), Path.of("/"), Map.of(), Duration.ofSeconds(10));
        return id.exit() == 0 && id.output().strip().equals("0");
    }

    private static Path moduleDir() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        assertThat(dir.resolve("src/test/browser/status-page.mjs"))
                .as("run from the cdc-service module (basedir %s)", dir).isRegularFile();
        return dir;
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
