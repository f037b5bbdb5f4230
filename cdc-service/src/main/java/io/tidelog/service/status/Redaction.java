package io.tidelog.service.status;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Removes secrets from text shown to operators (error messages in the status and in admin answers):
 * every configured secret value, and the user-info part of URIs ({@code redis://user:pw@host}).
 * Thread-safe, immutable.
 */
public final class Redaction {

    public static final String MASK = "******";
    private static final Pattern URI_USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");
    private static final int SHORTEST_SECRET = 3;

    private final List<String> secrets;

    private Redaction(List<String> secrets) {
        this.secrets = secrets;
    }

    /** Redacts these values (nulls and values shorter than 3 characters are ignored), longest first. */
    public static Redaction of(Collection<String> secrets) {
        return new Redaction(secrets.stream().filter(Objects::nonNull).filter(s -> s.length() >= SHORTEST_SECRET)
                .distinct().sorted(Comparator.comparingInt(String::length).reversed()).toList());
    }

    /** The text without secrets; null stays null. */
    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        return URI_USER_INFO.matcher(out).replaceAll("$1" + MASK + "@");
    }
}
