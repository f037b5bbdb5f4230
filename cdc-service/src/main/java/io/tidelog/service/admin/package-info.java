/**
 * The admin REST API under {@code /admin}: thin controllers that validate every input (names in paths
 * against their patterns before any lookup, bodies strictly: unknown fields, wrong types and bad
 * values are 400 naming the field) and delegate to the sink runners, the log, capture and
 * {@link io.tidelog.service.status.StatusService}. Errors are {@code {"error": "...", "field": "..."}}
 * ({@link io.tidelog.service.admin.AdminErrors}); secrets never appear in them. Access is guarded by
 * {@link io.tidelog.service.security.AdminTokenFilter}.
 */
package io.tidelog.service.admin;
