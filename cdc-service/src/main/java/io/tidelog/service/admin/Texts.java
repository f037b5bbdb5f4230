package io.tidelog.service.admin;

import io.tidelog.log.Header;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Bytes from the log shown as text: UTF-8 where they are, base64 where they are not. */
final class Texts {

    private Texts() {
    }

    /**
     * A header as shown.
     *
     * @param key    the header's name
     * @param value  its value as UTF-8 text, or null when it is binary (or null)
     * @param base64 its value in base64 when it is not printable UTF-8, else null
     */
    record HeaderView(String key, String value, String base64) {
    }

    /** UTF-8 text of {@code bytes}, invalid sequences replaced; null stays null. */
    static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static List<HeaderView> headers(List<Header> headers) {
        List<HeaderView> out = new ArrayList<>(headers.size());
        for (Header h : headers) {
            String text = strictText(h.value());
            out.add(new HeaderView(h.key(), text, text == null && h.value() != null
                    ? Base64.getEncoder().encodeToString(h.value()) : null));
        }
        return out;
    }

    static Instant instant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis);
    }

    /** The UTF-8 text of {@code bytes} if they are valid UTF-8 without control characters, else null. */
    private static String strictText(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return s.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t') ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
