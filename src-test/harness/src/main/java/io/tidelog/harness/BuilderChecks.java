package io.tidelog.harness;

import java.util.Objects;

/** The argument checks every fixture's builder shares; each returns its argument when it is valid. */
final class BuilderChecks {

    private BuilderChecks() {
    }

    /** A server name, used in logs, exceptions and the work directory's name. */
    static String name(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("name must be letters, digits, '.', '_' or '-': " + name);
        }
        return name;
    }

    /** A TCP port, or 0 for "choose a free one". */
    static int port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return port;
    }

    /** A password that fits on one line of a configuration file. */
    static String password(String password) {
        if (Objects.requireNonNull(password).isEmpty() || password.contains("\n")) {
            throw new IllegalArgumentException("password must be one non-empty line");
        }
        return password;
    }
}
