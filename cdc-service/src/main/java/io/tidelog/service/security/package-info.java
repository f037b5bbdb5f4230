/**
 * Who may use the admin API: a bearer token on every {@code /admin/**} (and {@code /v3/api-docs})
 * request, compared in constant time ({@link io.tidelog.service.security.AdminTokenFilter}), and the
 * startup rule that an admin API without a token is never reachable from the network
 * ({@link io.tidelog.service.security.AdminExposure}).
 */
package io.tidelog.service.security;
