package io.tidelog.log.embedded;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * UTF-8 bytes of record header keys. Header keys are a handful of constant names, so their bytes
 * are computed once instead of once per record on the append path. Bounded: past
 * {@value #MAX_KEYS} distinct keys, further keys are encoded per call. The returned arrays are
 * shared and must not be modified. Thread-safe.
 */
final class HeaderKeys {

    static final int MAX_KEYS = 1024;
    private static final ConcurrentHashMap<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private HeaderKeys() {
    }

    static byte[] utf8(String key) {
        byte[] bytes = CACHE.get(key);
        if (bytes != null) {
            return bytes;
        }
        bytes = key.getBytes(StandardCharsets.UTF_8);
        if (CACHE.size() < MAX_KEYS) {
            CACHE.putIfAbsent(key, bytes);
        }
        return bytes;
    }
}
