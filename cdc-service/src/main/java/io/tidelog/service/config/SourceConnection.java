package io.tidelog.service.config;

import io.tidelog.capture.SourceAddress;
import io.tidelog.capture.SourceCheckException;
import io.tidelog.capture.SourceProblem;

/**
 * Where and as whom to connect to the source: from {@code tidelog.source.*}, or from the demo's
 * embedded PostgreSQL. The password is never printed.
 *
 * @param address the database
 * @param username the user
 * @param password the password
 */
public record SourceConnection(SourceAddress address, String username, String password) {

    /**
     * The connection described by {@code tidelog.source.*}.
     *
     * @throws SourceCheckException when the URL is missing or malformed, naming the property
     */
    static SourceConnection fromProperties(TidelogProperties.Source source) {
        String url = source.url();
        if (url == null || url.isBlank()) {
            throw new SourceCheckException(SourceProblem.URL_MISSING,
                    "tidelog.source.url is not set, so Tidelog does not know which database to capture.",
                    "Set tidelog.source.url to " + SourceAddress.EXPECTED_FORM
                            + " (or the environment variable TIDELOG_SOURCE_URL), or run the demo with --spring.profiles.active=demo.");
        }
        try {
            return new SourceConnection(SourceAddress.parse(url), source.username(), source.password());
        } catch (IllegalArgumentException e) {
            throw new SourceCheckException(SourceProblem.URL_MALFORMED,
                    "tidelog.source.url " + e.getMessage() + ".",
                    "Set tidelog.source.url to " + SourceAddress.EXPECTED_FORM + ", e.g. jdbc:postgresql://localhost:5432/shop.");
        }
    }

    @Override
    public String toString() {
        return "SourceConnection[" + address + ", user=" + username + "]";
    }
}
