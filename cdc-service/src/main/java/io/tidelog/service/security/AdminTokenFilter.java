package io.tidelog.service.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Guards {@code /admin/**} and the OpenAPI document {@code /v3/api-docs/**}: every request there must
 * carry {@code Authorization: Bearer <tidelog.admin.token>}.
 *
 * <ul>
 *   <li>admin disabled: 404, whatever the token;</li>
 *   <li>no token configured (allowed on a loopback address only, see {@link AdminExposure}): 403, the
 *       body says to set {@code TIDELOG_ADMIN_TOKEN} — there is no tokenless access;</li>
 *   <li>token missing or wrong: 401 with {@code WWW-Authenticate: Bearer};</li>
 *   <li>a body over the limit: 413 (also for chunked bodies, counted while read).</li>
 * </ul>
 * The presented token is compared as a SHA-256 digest with {@link MessageDigest#isEqual}, so the
 * time taken does not depend on how much of it is right, nor on its length. Neither token is ever
 * logged or echoed. The path is the container's decoded, normalised servlet path, lower-cased, so
 * {@code /ADMIN/..}, {@code /x/../admin} or {@code ;params} cannot slip past.
 */
public final class AdminTokenFilter extends OncePerRequestFilter {

    static final String REALM = "tidelog-admin";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final boolean enabled;
    private final byte[] tokenDigest;
    private final long maxBodyBytes;

    /**
     * @param enabled      {@code tidelog.admin.enabled}
     * @param token        {@code tidelog.admin.token}; null or blank: the API is locked (403)
     * @param maxBodyBytes largest request body accepted
     */
    public AdminTokenFilter(boolean enabled, String token, long maxBodyBytes) {
        this.enabled = enabled;
        this.tokenDigest = AdminExposure.hasToken(token) ? sha256(token) : null;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Whether a request path is guarded. */
    static boolean isGuarded(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.startsWith("/admin") || p.startsWith("/v3/api-docs");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isGuarded(path(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!enabled) {
            reject(response, HttpStatus.NOT_FOUND, "the admin API is disabled (tidelog.admin.enabled=false)");
            return;
        }
        if (tokenDigest == null) {
            reject(response, HttpStatus.FORBIDDEN, "the admin API is locked because no token is configured: "
                    + "set the environment variable TIDELOG_ADMIN_TOKEN (tidelog.admin.token) and restart");
            return;
        }
        String presented = bearer(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (presented == null || !MessageDigest.isEqual(sha256(presented), tokenDigest)) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\""
                    + (presented == null ? "" : ", error=\"invalid_token\""));
            reject(response, HttpStatus.UNAUTHORIZED, presented == null
                    ? "missing bearer token: send Authorization: Bearer <token>"
                    : "invalid bearer token");
            return;
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            reject(response, HttpStatus.PAYLOAD_TOO_LARGE, "request body larger than " + maxBodyBytes + " bytes");
            return;
        }
        chain.doFilter(new LimitedBody(request, maxBodyBytes), response);
    }

    private static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? String.valueOf(request.getRequestURI()) : path;
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or null. */
    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = h.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void reject(HttpServletResponse response, HttpStatus status, String error) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", error);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }

    /** Thrown while reading a body that turns out larger than the limit (chunked, no Content-Length). */
    public static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long limit) {
            super("request body larger than " + limit + " bytes");
        }
    }

    /** The request, with a body that fails once more than {@code limit} bytes are read. */
    private static final class LimitedBody extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        LimitedBody(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public synchronized ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), limit);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long read;

        Counting(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
