package io.tidelog.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis 6.2 server, the {@code redis-server} binary bundled in
 * {@code com.github.codemonstur:embedded-redis} (only its binary is used, not its Java API), on
 * 127.0.0.1 only, with no Unix socket. The module using this fixture declares that artifact with test
 * scope; {@link Builder#binary(Path)} runs another {@code redis-server} instead, such as Debian's.
 *
 * <p>Persistence is off unless asked for: no RDB snapshots ({@code save ""}) and, unless
 * {@link Builder#appendOnly(boolean)}, no append-only file; either way the data lives in the work
 * directory and is deleted with it.
 * <pre>
 * workDir/
 *   redis-server   the binary, extracted from the class path
 *   redis.conf     the configuration, rewritten for each launch attempt (port)
 *   data/          the server's dir: dump.rdb, appendonly.aof
 *   redis.log      the server's output
 * </pre>
 *
 * <p>Lifecycle: {@link #start()} / {@link Builder#start()} extract the binary, start it (as user 65534
 * when this JVM is root) and return once {@code CONFIG GET dir} names this server's data directory —
 * a fraction of a second. {@link #close()} sends SIGTERM, waits for the process, then deletes the
 * work directory. See {@link ManagedServer}.
 *
 * <p>Thread-safety: immutable once started; all methods may be called from any thread.
 */
public final class RedisServer extends RuntimeBackedServer {

    /** The Linux x86-64 binary inside embedded-redis. */
    static final String BINARY_RESOURCE = "redis-server-6.2.6-v5-linux-amd64";
    static final String SERVER_LOG = "redis.log";

    private static final Logger log = LoggerFactory.getLogger(RedisServer.class);

    private final int port;
    private final String password;

    private RedisServer(ServerRuntime runtime, int port, String password) {
        super(runtime);
        this.port = port;
        this.password = password;
    }

    /** Starts a server with the defaults (no persistence, no password). */
    public static RedisServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return FreePort.HOST;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, without credentials (see {@link #password()}). */
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    /** The {@code requirepass} password, if one was set. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }






    @Override
    public String toString() {
        return name() + "[" + uri() + ", " + workDir() + "]";
    }

    private static RedisServer start(Builder builder) {
        long begin = System.nanoTime();
        ServerRuntime runtime = ServerRuntime.create(builder.name, ProcessTree.Signal.TERM);
        try {
            Path binary = builder.binary != null ? builder.binary : extractBinary(runtime);
            Path data = Files.createDirectories(runtime.workDir().resolve("data"));
            runtime.user().own(runtime.workDir());
            Path config = runtime.workDir().resolve("redis.conf");
            RedisServer server = FreePort.startOnFreePort(builder.port, port -> {
                writeConfig(runtime, config, builder.config(port, data));
                runtime.launch(List.of(binary.toString(), config.toString()), SERVER_LOG, env -> { });
                runtime.awaitReady(builder.startTimeout, () -> serves(port, builder.password, data));
                return new RedisServer(runtime, port, builder.password);
            });
            log.info("{}: started on {}:{} in {} ms, work dir {}", builder.name, server.host(), server.port(),
                    (System.nanoTime() - begin) / 1_000_000, runtime.workDir());
            return server;
        } catch (IOException e) {
            ServerStartException failure = runtime.failure("cannot prepare its work directory: " + e, e);
            runtime.close();
            throw failure;
        } catch (RuntimeException | Error e) {
            runtime.close();
            throw e;
        }
    }

    private static Path extractBinary(ServerRuntime runtime) throws IOException {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw runtime.failure("the bundled redis-server is for linux x86_64, not " + os + " " + arch
                    + "; use RedisServer.builder().binary(...)", null);
        }
        Path binary = runtime.workDir().resolve("redis-server");
        try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(BINARY_RESOURCE)) {
            if (in == null) {
                throw runtime.failure(BINARY_RESOURCE + " is not on the class path; add "
                        + "com.github.codemonstur:embedded-redis (test scope) to the module's dependencies", null);
            }
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(binary, Archives.permissions(0755));
        return binary;
    }

    /** Writes the configuration as {@code redis.conf} directives; a file keeps the password out of {@code ps}. */
    private static void writeConfig(ServerRuntime runtime, Path file, Map<String, String> config) {
        StringBuilder conf = new StringBuilder("# written by tidelog-harness\n");
        config.forEach((name, value) -> conf.append(name).append(' ').append(RedisSyntax.quote(value)).append('\n'));
        try {
            Files.writeString(file, conf, StandardCharsets.UTF_8);
            runtime.user().own(file);
        } catch (IOException e) {
            throw runtime.failure("cannot write " + file + ": " + e, e);
        }
    }

    /** Readiness: this server, not another one on the port, answers {@code CONFIG GET dir}. */
    private static boolean serves(int port, String password, Path data) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(FreePort.HOST, port), 500);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            if (password != null) {
                out.write(RedisSyntax.command("AUTH", password));
            }
            out.write(RedisSyntax.command("CONFIG", "GET", "dir"));
            out.flush();
            socket.shutdownOutput();
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return reply.contains("\r\n" + data.toRealPath() + "\r\n");
        }
    }

    /**
     * Settings for one server. Not thread-safe; {@link #start()} may be called more than once, each
     * call starting a new server with the same settings.
     */
    public static final class Builder {

        private String name = "redis";
        private int port;
        private String password;
        private boolean appendOnly;
        private Path binary;
        private Duration startTimeout = Duration.ofSeconds(30);
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        /** Names the server in logs, exceptions and its work directory; {@code redis} by default. */
        public Builder name(String name) {
            this.name = BuilderChecks.name(name);
            return this;
        }

        /** A fixed port; by default a free one is chosen (and re-chosen if it is taken meanwhile). */
        public Builder port(int port) {
            this.port = BuilderChecks.port(port);
            return this;
        }

        /** Requires clients to {@code AUTH} with this password ({@code requirepass}); none by default. */
        public Builder password(String password) {
            this.password = BuilderChecks.password(password);
            return this;
        }

        /** Turns the append-only file on ({@code appendonly yes}, {@code appendfsync everysec}); off by default. */
        public Builder appendOnly(boolean appendOnly) {
            this.appendOnly = appendOnly;
            return this;
        }

        /** Any {@code redis.conf} directive; applied last, so it overrides the ones above. */
        public Builder setting(String name, String value) {
            settings.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** Runs this {@code redis-server} (it must be readable and executable by user 65534 when this JVM is root). */
        public Builder binary(Path binary) {
            this.binary = Objects.requireNonNull(binary);
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout);
            return this;
        }

        public RedisServer start() {
            return RedisServer.start(this);
        }

        private Map<String, String> config(int port, Path data) {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("port", Integer.toString(port));
            config.put("bind", FreePort.HOST);
            config.put("dir", data.toString());
            config.put("daemonize", "no");
            config.put("logfile", "");
            config.put("save", "");
            config.put("appendonly", appendOnly ? "yes" : "no");
            config.put("appendfsync", "everysec");
            if (password != null) {
                config.put("requirepass", password);
            }
            config.putAll(settings);
            return config;
        }
    }
}
