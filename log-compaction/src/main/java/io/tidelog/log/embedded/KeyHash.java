package io.tidelog.log.embedded;

import java.nio.ByteBuffer;

/**
 * The 128-bit hash that identifies a record key in fixed-memory key maps ({@link SkimpyOffsetMap},
 * {@link KeyOffsetTable}): two independently seeded 64-bit halves over the key bytes, each finished
 * with murmur3's {@code fmix64}. Allocation-free; stateless and thread-safe.
 */
final class KeyHash {

    private KeyHash() {
    }

    /** Hashes the key bytes {@code [at, at + len)} of a heap buffer into {@code out[0]} and {@code out[1]}. */
    static void hash128(ByteBuffer b, int at, int len, long[] out) {
        long a = 0x9E3779B97F4A7C15L ^ len;
        long c = 0xC2B2AE3D27D4EB4FL + len;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long w = b.getLong(at + i);
            a = Long.rotateLeft(a ^ (w * 0x87C37B91114253D5L), 31) * 0x4CF5AD432745937FL;
            c = Long.rotateLeft(c ^ (w * 0x52DCE729L), 27) * 0x9E3779B97F4A7C15L + a;
        }
        long tail = 0;
        for (int s = 0; i < len; i++, s += 8) {
            tail |= (b.get(at + i) & 0xffL) << s;
        }
        a = fmix(a ^ (tail * 0x87C37B91114253D5L));
        c = fmix(c ^ (tail * 0x4CF5AD432745937FL) ^ a);
        out[0] = a;
        out[1] = c;
    }

    /** The first 64-bit half of {@link #hash128} for a whole key array. */
    static long hash64(byte[] key) {
        long[] out = new long[2];
        hash128(ByteBuffer.wrap(key), 0, key.length, out);
        return out[0];
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
