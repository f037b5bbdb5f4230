package io.tidelog.service.admin;

import org.springframework.http.HttpStatus;

/**
 * An admin request that cannot be done, with the status to answer and the field at fault. Its
 * message is shown to the caller: it must never contain a secret.
 */
public final class AdminException extends RuntimeException {

    private final HttpStatus status;
    private final String field;

    AdminException(HttpStatus status, String message, String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    static AdminException badRequest(String field, String message) {
        return new AdminException(HttpStatus.BAD_REQUEST, message, field);
    }

    static AdminException notFound(String field, String message) {
        return new AdminException(HttpStatus.NOT_FOUND, message, field);
    }

    static AdminException conflict(String message) {
        return new AdminException(HttpStatus.CONFLICT, message, null);
    }

    static AdminException notImplemented(String message) {
        return new AdminException(HttpStatus.NOT_IMPLEMENTED, message, null);
    }

    public HttpStatus status() {
        return status;
    }

    public String field() {
        return field;
    }
}
