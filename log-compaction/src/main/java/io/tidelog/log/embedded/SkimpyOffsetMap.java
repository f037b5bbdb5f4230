package io.tidelog.log.embedded;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An {@link OffsetMap} in one preallocated {@code long[]}: open addressing with linear probing, each
 * slot a 128-bit key hash and an offset (24 bytes). Memory is fixed at construction (the largest
 * power-of-two number of slots that fits); the map reports {@link #isFull()} at 90% load of that, so
 * a log with more dirty keys than fit is cleaned in several passes.
 *
 * <p>Only a power-of-two prefix of the slots is in use at a time: it starts small and doubles in place
 * when it reaches 90% load, up to the whole array. Probing thus touches memory proportional to the
 * keys seen, not to the configured size, which keeps the cleaner in cache and TLB reach, and
 * {@link #clear()} only clears the prefix used.
 *
 * <p>Keys are identified by their 128-bit hash (two independently seeded 64-bit hashes, like Kafka's
 * use of MD5): distinct keys collide with negligible probability; a collision would make the cleaner
 * drop the older key's records.
 *
 * <p>Not thread-safe: owned by one cleaner thread.
 */
final class SkimpyOffsetMap implements OffsetMap {
    private static final int SLOT_LONGS = 3;
    static final int BYTES_PER_ENTRY = SLOT_LONGS * Long.BYTES;
    private static final double LOAD_FACTOR = 0.9;
    private static final int INITIAL_SLOTS = 1 << 12;

    private final long[] slots;
    private final int capacity;
    private int used;
    private int mask;
    private int size;
    private final long[] hash = new long[2];
    private long h1;
    private long h2;

    SkimpyOffsetMap(int memoryBytes) {
        this.capacity = Integer.highestOneBit(Math.max(2, memoryBytes / BYTES_PER_ENTRY));
        this.slots = new long[capacity * SLOT_LONGS];
        resetUsed();
    }

    private void resetUsed() {
        used = Math.min(capacity, INITIAL_SLOTS);
        mask = used - 1;
    }

    @Override
    public void put(ByteBuffer buf, int keyAt, int keyLength, long offset) {
        hash(buf, keyAt, keyLength);
        int i = find(h1, h2) * SLOT_LONGS;
        if (slots[i + 2] == 0) {
            slots[i] = h1;
            slots[i + 1] = h2;
            size++;
        }
        slots[i + 2] = offset + 1;
        if (size >= used * LOAD_FACTOR && used < capacity) {
            grow();
        }
    }

    @Override
    public long get(ByteBuffer buf, int keyAt, int keyLength) {
        hash(buf, keyAt, keyLength);
        return slots[find(h1, h2) * SLOT_LONGS + 2] - 1;
    }

    /** The slot holding this hash, or the empty slot where it would go. */
    private int find(long a, long b) {
        int slot = (int) (a ^ (a >>> 32)) & mask;
        while (true) {
            int i = slot * SLOT_LONGS;
            if (slots[i] == a && slots[i + 1] == b || slots[i + 2] == 0) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Doubles the slots in use, re-placing every entry of the old half under the new mask in one
     * sweep. An entry taken out of slot {@code s} lands either in the new upper half or in the lower
     * half at or before {@code s} (its probe from its home stops at the latest at the slot it just
     * left), so no entry ever lies beyond a slot that is still to be emptied: after the sweep every
     * entry is reachable from its home.
     */
    private void grow() {
        int old = used;
        used = old * 2;
        mask = used - 1;
        for (int s = 0; s < old; s++) {
            int i = s * SLOT_LONGS;
            long offsetPlusOne = slots[i + 2];
            if (offsetPlusOne == 0) {
                continue;
            }
            long a = slots[i];
            long b = slots[i + 1];
            slots[i] = 0;
            slots[i + 1] = 0;
            slots[i + 2] = 0;
            int j = find(a, b) * SLOT_LONGS;
            slots[j] = a;
            slots[j + 1] = b;
            slots[j + 2] = offsetPlusOne;
        }
    }

    private void hash(ByteBuffer b, int at, int len) {
        KeyHash.hash128(b, at, len, hash);
        h1 = hash[0];
        h2 = hash[1];
    }

    @Override
    public void clear() {
        Arrays.fill(slots, 0, used * SLOT_LONGS, 0L);
        size = 0;
        resetUsed();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isFull() {
        return size >= (int) (capacity * LOAD_FACTOR);
    }

    /** Slots currently in use (a power of two, at most the capacity); for tests. */
    int slotsInUse() {
        return used;
    }
}
