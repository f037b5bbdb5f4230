package io.tidelog.service.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The startup rule for the admin API: enabled without a token, it may only listen on a loopback
 * address. Otherwise anyone who can reach the port could pause sinks or drop the slot.
 *
 * <p>{@code server.address} unset (or {@code 0.0.0.0}, {@code ::}) means every interface, so it
 * counts as not loopback; a host name is resolved, and one that does not resolve counts as not
 * loopback too.
 */
public final class AdminExposure {

    private AdminExposure() {
    }

    /**
     * Checks the rule.
     *
     * @param enabled  {@code tidelog.admin.enabled}
     * @param token    {@code tidelog.admin.token}, null or blank when not set
     * @param address  {@code server.address}, null or blank when not set
     * @throws UnprotectedAdminException when the admin API would be open to the network
     */
    public static void check(boolean enabled, String token, String address) {
        if (!enabled || hasToken(token) || isLoopback(address)) {
            return;
        }
        String where = address == null || address.isBlank() ? "every interface (server.address is not set)"
                : "server.address=" + address.trim() + ", which is not a loopback address";
        throw new UnprotectedAdminException(
                "The admin API is enabled without a token (tidelog.admin.token) and would listen on " + where + ".",
                "Set the environment variable TIDELOG_ADMIN_TOKEN to a long random secret, or set server.address "
                        + "to 127.0.0.1, or disable the admin API with tidelog.admin.enabled=false.");
    }

    /** Whether a token is configured. */
    public static boolean hasToken(String token) {
        return token != null && !token.isBlank();
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            InetAddress resolved = InetAddress.getByName(address.trim());
            return resolved.isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
