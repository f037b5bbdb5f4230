package io.tidelog.service.admin;

import io.tidelog.service.security.AdminTokenFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.http.converter.HttpMessageNotReadableException;

/**
 * Maps every failure of a request under {@code /admin} to {@code {"error": "...", "field": "..."}}
 * with a 4xx status (501 for what is not built yet); an unexpected exception is logged and answered
 * 500 with no detail. Requests elsewhere (actuator, the status page) are left to their own handling:
 * the exception is rethrown unchanged, which makes Spring move on to its other resolvers.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class AdminErrors {

    private static final Logger log = LoggerFactory.getLogger(AdminErrors.class);

    @ExceptionHandler(AdminException.class)
    ResponseEntity<ApiError> admin(AdminException e, HttpServletRequest request) throws AdminException {
        guard(request, e);
        return ResponseEntity.status(e.status()).body(new ApiError(e.getMessage(), e.field()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiError> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request)
            throws MethodArgumentTypeMismatchException {
        guard(request, e);
        String type = e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName().toLowerCase(Locale.ROOT);
        return error(HttpStatus.BAD_REQUEST, e.getName() + " must be " + article(type) + " " + type, e.getName());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ApiError> missing(MissingServletRequestParameterException e, HttpServletRequest request)
            throws MissingServletRequestParameterException {
        guard(request, e);
        return error(HttpStatus.BAD_REQUEST, e.getParameterName() + " is required", e.getParameterName());
    }

    @ExceptionHandler(ServletRequestBindingException.class)
    ResponseEntity<ApiError> binding(ServletRequestBindingException e, HttpServletRequest request)
            throws ServletRequestBindingException {
        guard(request, e);
        return error(HttpStatus.BAD_REQUEST, "malformed request", null);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e, HttpServletRequest request)
            throws HttpMessageNotReadableException {
        guard(request, e);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AdminTokenFilter.BodyTooLargeException) {
                return error(HttpStatus.PAYLOAD_TOO_LARGE, t.getMessage(), null);
            }
        }
        return error(HttpStatus.BAD_REQUEST, "the request body cannot be read", null);
    }

    @ExceptionHandler(AdminTokenFilter.BodyTooLargeException.class)
    ResponseEntity<ApiError> tooLarge(AdminTokenFilter.BodyTooLargeException e, HttpServletRequest request)
            throws AdminTokenFilter.BodyTooLargeException {
        guard(request, e);
        return error(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage(), null);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request)
            throws HttpRequestMethodNotSupportedException {
        guard(request, e);
        HttpHeaders headers = new HttpHeaders();
        if (e.getSupportedHttpMethods() != null) {
            headers.setAllow(e.getSupportedHttpMethods());
        }
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).headers(headers)
                .body(new ApiError("method " + e.getMethod() + " is not allowed here", null));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request)
            throws HttpMediaTypeNotSupportedException {
        guard(request, e);
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json", null);
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ApiError> multipart(MultipartException e, HttpServletRequest request) throws MultipartException {
        guard(request, e);
        if (e instanceof MaxUploadSizeExceededException) {
            return error(HttpStatus.PAYLOAD_TOO_LARGE, "request body too large", null);
        }
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json", null);
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<Void> notAcceptable(HttpMediaTypeNotAcceptableException e, HttpServletRequest request)
            throws HttpMediaTypeNotAcceptableException {
        guard(request, e);
        return ResponseEntity.status(HttpStatus.NOT_ACCEPTABLE).build();
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<ApiError> noSuchPath(Exception e, HttpServletRequest request) throws Exception {
        guard(request, e);
        return error(HttpStatus.NOT_FOUND, "no such admin endpoint", null);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> unexpected(Exception e, HttpServletRequest request) throws Exception {
        guard(request, e);
        log.error("Admin request {} {} failed", request.getMethod(), request.getRequestURI(), e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; see the service log", null);
    }

    /** Rethrows {@code e} unchanged when the request is not an admin request. */
    private static <E extends Exception> void guard(HttpServletRequest request, E e) throws E {
        String path = request.getServletPath() == null || request.getServletPath().isEmpty()
                ? request.getRequestURI() : request.getServletPath();
        if (path == null || !path.toLowerCase(Locale.ROOT).startsWith("/admin")) {
            throw e;
        }
    }

    private static ResponseEntity<ApiError> error(HttpStatus status, String message, String field) {
        return ResponseEntity.status(status).body(new ApiError(message, field));
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }
}
