package io.tidelog.capture;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the source database is, parsed from a {@code jdbc:postgresql://host[:port]/database} URL.
 *
 * @param host host name or address
 * @param port TCP port
 * @param database database name
 */
public record SourceAddress(String host, int port, String database) {

    /** What {@code tidelog.source.url} must look like, for messages. */
    public static final String EXPECTED_FORM = "jdbc:postgresql://host:port/database";

    private static final Pattern URL =
            Pattern.compile("jdbc:postgresql://(\\[[0-9a-fA-F:]+]|[^:/?\\[\\]]+)(?::(\\d{1,5}))?/([^/?]+)(?:\\?.*)?");

    /**
     * Parses a JDBC URL.
     *
     * @throws IllegalArgumentException when the URL is not of the {@link #EXPECTED_FORM}
     */
    public static SourceAddress parse(String url) {
        Matcher m = url == null ? null : URL.matcher(url.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + url + "' is not of the form " + EXPECTED_FORM);
        }
        int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + url + "' has port " + port + " outside 1-65535");
        }
        return new SourceAddress(m.group(1), port, m.group(3));
    }

    /** The JDBC URL of this address (without any parameters of the original). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** {@code host:port/database}, for messages. */
    @Override
    public String toString() {
        return host + ":" + port + "/" + database;
    }
}
