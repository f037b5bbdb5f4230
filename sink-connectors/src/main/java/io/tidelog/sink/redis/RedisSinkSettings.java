package io.tidelog.sink.redis;

import io.lettuce.core.RedisURI;
import io.tidelog.sink.NameTemplate;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of a {@link RedisSink}. Validated when built: a wrong setting fails at startup with a
 * message naming it. Optional settings left null take their defaults (as a configuration binder
 * leaves them when unset). The password is never shown: {@link #toString()} masks it, also inside
 * the URI.
 *
 * @param uri            the standalone server, {@code redis://[[user:]password@]host[:port][/database]}
 *                       ({@code rediss://} for TLS)
 * @param password       the password when it is not in {@code uri}; null or blank for none
 * @param mode           what a change does to the row's key; default {@link Mode#UPSERT}
 * @param format         how a row is stored in {@link Mode#UPSERT} mode; default {@link Format#JSON}
 * @param keyTemplate    the row's key; must use {@code {pk}}; default {@code {table}:{pk}}
 * @param ttl            expiry set on each row key written in {@link Mode#UPSERT} mode;
 *                       {@link Duration#ZERO} for none (the default)
 * @param commandTimeout how long a batch may wait for Redis's replies; default 5 s
 */
public record RedisSinkSettings(String uri, String password, Mode mode, Format format, NameTemplate keyTemplate,
                                Duration ttl, Duration commandTimeout) {

    public static final String DEFAULT_KEY_TEMPLATE = "{table}:{pk}";
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

    /** {@code scheme://userinfo@}: the user info is group 2, the password after its first colon. */
    private static final Pattern USER_INFO = Pattern.compile("^([a-z-]+://)([^@/]*)@");
    private static final String MASK = "***";

    /** What a change of a row does to its key. */
    public enum Mode {
        /** The key holds the row; a delete removes it. Guarded by versions, see {@link RedisSink}. */
        UPSERT,
        /** Any change removes the key; the application reloads the row on its next miss. */
        INVALIDATE
    }

    /** How a row is stored under its key in {@link Mode#UPSERT} mode. */
    public enum Format {
        /** A string: the row as compact JSON. */
        JSON,
        /** A hash, one field per non-null column: strings as their text, anything else as its JSON text. */
        HASH
    }

    public RedisSinkSettings {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri must be set, e.g. redis://127.0.0.1:6379");
        }
        try {
            RedisURI.create(uri);
        } catch (RuntimeException e) {
            // Lettuce's message may quote the URI, password included: name the setting, not the cause.
            throw new IllegalArgumentException("uri '" + mask(uri)
                    + "' is not a Redis URI; expected redis://[[user:]password@]host[:port][/database]");
        }
        password = password == null || password.isBlank() ? null : password;
        if (password != null && passwordInUri(uri)) {
            throw new IllegalArgumentException("password is set and uri '" + mask(uri)
                    + "' holds one too; set it in one place");
        }
        mode = mode == null ? Mode.UPSERT : mode;
        format = format == null ? Format.JSON : format;
        keyTemplate = keyTemplate == null ? NameTemplate.parse(DEFAULT_KEY_TEMPLATE) : keyTemplate;
        if (!keyTemplate.usesKey()) {
            throw new IllegalArgumentException("keyTemplate '" + keyTemplate
                    + "' must use {pk}, or every row of a table would share one key");
        }
        ttl = ttl == null ? Duration.ZERO : ttl;
        if (ttl.isNegative() || (!ttl.isZero() && ttl.toMillis() == 0)) {
            throw new IllegalArgumentException("ttl must be zero (none) or at least 1ms, not " + ttl);
        }
        if (!ttl.isZero() && mode == Mode.INVALIDATE) {
            throw new IllegalArgumentException("ttl applies to mode UPSERT only; mode INVALIDATE writes no keys");
        }
        commandTimeout = commandTimeout == null ? DEFAULT_COMMAND_TIMEOUT : commandTimeout;
        if (commandTimeout.toMillis() <= 0) {
            throw new IllegalArgumentException("commandTimeout must be at least 1ms, not " + commandTimeout);
        }
    }

    /** Upserts rows as JSON under {@code {table}:{pk}}, no TTL, 5 s command timeout. */
    public static RedisSinkSettings defaults(String uri) {
        return new RedisSinkSettings(uri, null, null, null, null, null, null);
    }

    public RedisSinkSettings withPassword(String password) {
        return new RedisSinkSettings(uri, password, mode, format, keyTemplate, ttl, commandTimeout);
    }

    public RedisSinkSettings withMode(Mode mode) {
        return new RedisSinkSettings(uri, password, mode, format, keyTemplate, ttl, commandTimeout);
    }

    public RedisSinkSettings withFormat(Format format) {
        return new RedisSinkSettings(uri, password, mode, format, keyTemplate, ttl, commandTimeout);
    }

    public RedisSinkSettings withKeyTemplate(String keyTemplate) {
        return new RedisSinkSettings(uri, password, mode, format, NameTemplate.parse(keyTemplate), ttl,
                commandTimeout);
    }

    public RedisSinkSettings withTtl(Duration ttl) {
        return new RedisSinkSettings(uri, password, mode, format, keyTemplate, ttl, commandTimeout);
    }

    public RedisSinkSettings withCommandTimeout(Duration commandTimeout) {
        return new RedisSinkSettings(uri, password, mode, format, keyTemplate, ttl, commandTimeout);
    }

    /** The Lettuce URI: {@link #uri}, the separate password if any, and the command timeout. */
    RedisURI redisUri() {
        RedisURI redisUri = RedisURI.create(uri);
        if (password != null) {
            redisUri.setAuthentication(password);
        }
        redisUri.setTimeout(commandTimeout);
        return redisUri;
    }

    @Override
    public String toString() {
        return "RedisSinkSettings[uri=" + mask(uri) + ", password=" + (password == null ? "<none>" : MASK)
                + ", mode=" + mode + ", format=" + format + ", keyTemplate=" + keyTemplate + ", ttl=" + ttl
                + ", commandTimeout=" + commandTimeout + "]";
    }

    /** The URI with its password replaced by {@code ***}: {@code redis://user:***@host}, {@code redis://***@host}. */
    static String mask(String uri) {
        Matcher m = USER_INFO.matcher(Objects.requireNonNull(uri));
        if (!m.find()) {
            return uri;
        }
        String userInfo = m.group(2);
        int colon = userInfo.indexOf(':');
        String masked = colon < 0 ? MASK : userInfo.substring(0, colon + 1) + MASK;
        return m.group(1) + masked + "@" + uri.substring(m.end());
    }

    private static boolean passwordInUri(String uri) {
        Matcher m = USER_INFO.matcher(uri);
        if (!m.find()) {
            return false;
        }
        String userInfo = m.group(2);
        int colon = userInfo.indexOf(':');
        return colon < 0 ? !userInfo.isEmpty() : colon < userInfo.length() - 1;
    }
}
