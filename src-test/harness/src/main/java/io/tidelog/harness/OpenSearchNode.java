package io.tidelog.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Prepares a single-node OpenSearch in a server's work directory:
 * <pre>
 * workDir/
 *   dist/opensearch-&lt;version&gt;/  the distribution, unpacked from the integ-test zip (bin/, lib/, modules/)
 *   config/          a copy of its config/ (OPENSEARCH_PATH_CONF): opensearch.yml and jvm.options rewritten
 *   data/            path.data
 *   logs/            path.logs, GC log, JVM error files
 *   tmp/             OPENSEARCH_TMPDIR
 *   opensearch.log   the server's output
 * </pre>
 * The copied {@code jvm.options} gets this node's heap and absolute paths instead of the relative
 * {@code data} and {@code logs/} (relative to a working directory the script does not set). Settings
 * are appended to {@code opensearch.yml} on each launch attempt (ports), later lines winning. Stateless
 * apart from the paths; used by one starting thread.
 */
final class OpenSearchNode {

    static final String SERVER_LOG = "opensearch.log";
    /** Where the build says the distribution is: {@code -Dtidelog.harness.opensearch.zip=/path/opensearch-2.19.6.zip}. */
    static final String DISTRIBUTION_PROPERTY = "tidelog.harness.opensearch.zip";
    static final String GROUP_PATH = "org/opensearch/distribution/integ-test-zip/opensearch";

    private final ServerRuntime runtime;
    private final Path config;
    private final Path data;
    private final Path logs;
    private final Path tmp;
    private Path home;
    private String baseSettings;

    OpenSearchNode(ServerRuntime runtime) {
        this.runtime = runtime;
        Path workDir = runtime.workDir();
        this.config = workDir.resolve("config");
        this.data = workDir.resolve("data");
        this.logs = workDir.resolve("logs");
        this.tmp = workDir.resolve("tmp");
    }

    /**
     * The distribution zip: {@code explicit} if given, else the path in {@value #DISTRIBUTION_PROPERTY},
     * else the artifact in the local Maven repository ({@code maven.repo.local} or {@code ~/.m2/repository}).
     */
    static Path locateDistribution(Path explicit, String version) {
        if (explicit != null) {
            return explicit;
        }
        String property = System.getProperty(DISTRIBUTION_PROPERTY, "");
        if (!property.isBlank()) {
            return Path.of(property);
        }
        Path repository = Path.of(System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        return repository.resolve(GROUP_PATH).resolve(version).resolve("opensearch-" + version + ".zip");
    }

    /** Unpacks the distribution and prepares config/, data/, logs/ and tmp/ for the server user. */
    void prepare(Path distribution, int heapMegabytes) {
        if (!Files.isRegularFile(distribution)) {
            throw runtime.failure(distribution + " does not exist; declare org.opensearch.distribution.integ-test-zip:opensearch"
                    + " (type zip, test scope) and pass its path as -D" + DISTRIBUTION_PROPERTY, null);
        }
        try {
            Path dist = runtime.workDir().resolve("dist");
            Archives.extractZip(distribution, dist);
            home = onlyDirectory(dist);
            copyDirectory(home.resolve("config"), config);
            Files.writeString(config.resolve("jvm.options"), jvmOptions(
                    Files.readAllLines(config.resolve("jvm.options"), StandardCharsets.UTF_8), heapMegabytes, data, logs),
                    StandardCharsets.UTF_8);
            baseSettings = Files.readString(config.resolve("opensearch.yml"), StandardCharsets.UTF_8);
            for (Path dir : List.of(data, logs, tmp)) {
                Files.createDirectories(dir);
            }
            runtime.user().own(runtime.workDir());
        } catch (IOException e) {
            throw runtime.failure("cannot unpack " + distribution + ": " + e, e);
        }
    }

    /** Rewrites {@code opensearch.yml}: the distribution's file, then {@code settings} as flat {@code key: "value"} lines. */
    void writeSettings(Map<String, String> settings) {
        StringBuilder yml = new StringBuilder(baseSettings).append("\n# written by tidelog-harness\n");
        settings.forEach((key, value) -> yml.append(key).append(": \"")
                .append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n"));
        try {
            Files.writeString(config.resolve("opensearch.yml"), yml, StandardCharsets.UTF_8,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.CREATE);
        } catch (IOException e) {
            throw runtime.failure("cannot write opensearch.yml: " + e, e);
        }
    }

    Path dataDir() {
        return data;
    }

    Path logsDir() {
        return logs;
    }

    List<String> serverCommand() {
        return List.of(home.resolve("bin").resolve("opensearch").toString());
    }

    /** Runs on this JVM's Java; nothing from the caller's environment tunes it. */
    void environment(Map<String, String> env) {
        env.remove("OPENSEARCH_JAVA_OPTS");
        env.remove("JAVA_OPTS");
        env.put("OPENSEARCH_JAVA_HOME", System.getProperty("java.home"));
        env.put("OPENSEARCH_PATH_CONF", config.toString());
        env.put("OPENSEARCH_TMPDIR", tmp.toString());
    }

    /** The distribution's {@code jvm.options} with this heap and absolute paths. */
    static String jvmOptions(List<String> lines, int heapMegabytes, Path data, Path logs) {
        List<String> rewritten = new ArrayList<>();
        for (String line : lines) {
            String option = line.replaceFirst("^-Xms\\S+$", "-Xms" + heapMegabytes + "m")
                    .replaceFirst("^-Xmx\\S+$", "-Xmx" + heapMegabytes + "m")
                    .replace("HeapDumpPath=data", "HeapDumpPath=" + data)
                    .replace("=logs/", "=" + logs + "/");
            rewritten.add(option);
        }
        return rewritten.stream().collect(Collectors.joining("\n", "", "\n"));
    }

    private Path onlyDirectory(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            List<Path> dirs = children.filter(Files::isDirectory).collect(Collectors.toList());
            if (dirs.size() != 1) {
                throw new IOException("expected one top-level directory in the distribution, found " + dirs);
            }
            return dirs.get(0);
        }
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
            for (Path entry : entries) {
                Path target = to.resolve(entry.getFileName().toString());
                if (Files.isDirectory(entry)) {
                    copyDirectory(entry, target);
                } else {
                    Files.copy(entry, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
