package io.tidelog.log.embedded;

/**
 * Key hash → offset of the key's latest record, for one partition, in bounded memory: open
 * addressing with linear probing over one {@code long[]}, each slot a 64-bit {@link KeyHash} of the
 * key and the offset plus one (0 marks an empty slot), 16 bytes per slot; {@code maxSlots} is the
 * largest power of two within the byte bound, at least 64.
 *
 * <p>The table starts small and doubles (by rehashing into a new array) while it is at most 3/4 full,
 * up to {@code maxSlots}. Once that many keys are in it, putting a new key evicts another one (the
 * next occupant after the new key's slot: arbitrary, hash-chosen), so memory never exceeds
 * {@code maxSlots × 16} bytes (× 1.5 for the moment of the last doubling).
 *
 * <p>Invariants: every entry is reachable by probing from its home slot ({@code hash & mask}) without
 * crossing an empty slot — kept by backward-shift deletion in {@link #remove}; the load stays at or
 * below 3/4, so every probe ends. Distinct keys whose 64-bit hashes are equal share an entry: a caller
 * must verify the key of the record an offset points to (a {@link LatestValueIndex} does), so a
 * collision or an eviction only ever makes a key unknown, never answers for another key.
 *
 * <p>Not thread-safe: its owner serialises access.
 */
final class KeyOffsetTable {

    private static final int MIN_SLOTS = 1 << 6;
    static final int BYTES_PER_SLOT = 2 * Long.BYTES;

    private final int maxSlots;
    private long[] slots;
    private int mask;
    private int size;
    private long evictions;

    /** A table that grows to at most the largest power-of-two slot count within {@code maxBytes}. */
    KeyOffsetTable(long maxBytes) {
        long slotsWithin = Math.max(MIN_SLOTS, Math.min(1L << 30, maxBytes / BYTES_PER_SLOT));
        this.maxSlots = Integer.highestOneBit((int) slotsWithin);
        allocate(Math.min(maxSlots, MIN_SLOTS));
    }

    private void allocate(int slotCount) {
        slots = new long[slotCount * 2];
        mask = slotCount - 1;
    }

    /** The offset last put for this key hash, or -1 when unknown (never put, removed or evicted). */
    long get(long hash) {
        return slots[find(hash) * 2 + 1] - 1;
    }

    /** Records the offset of the key's latest record. */
    void put(long hash, long offset) {
        int slot = find(hash);
        int i = slot * 2;
        if (slots[i + 1] == 0) {
            slots[i] = hash;
            size++;
        }
        slots[i + 1] = offset + 1;
        if (size > limit()) {
            if (slots.length / 2 < maxSlots) {
                grow();
            } else {
                removeAt(nextOccupiedAfter(slot));
                evictions++;
            }
        }
    }

    /** Forgets the key (its latest record is a tombstone). */
    void remove(long hash) {
        int slot = find(hash);
        if (slots[slot * 2 + 1] != 0) {
            removeAt(slot);
        }
    }

    int size() {
        return size;
    }

    /** Keys dropped to stay within the memory bound since this table was created. */
    long evictions() {
        return evictions;
    }

    /** Bytes held by the slot array now. */
    long bytes() {
        return (long) slots.length * Long.BYTES;
    }

    /** The most keys kept before evicting (3/4 of the largest slot count). */
    int capacity() {
        return maxSlots / 4 * 3;
    }

    private int limit() {
        return (slots.length / 2) / 4 * 3;
    }

    private static int home(long hash, int mask) {
        return (int) (hash ^ (hash >>> 32)) & mask;
    }

    /** The slot holding this hash, or the empty slot where it would go. */
    private int find(long hash) {
        int slot = home(hash, mask);
        while (true) {
            int i = slot * 2;
            if (slots[i + 1] == 0 || slots[i] == hash) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    private int nextOccupiedAfter(int slot) {
        int s = (slot + 1) & mask;
        while (slots[s * 2 + 1] == 0) {
            s = (s + 1) & mask;
        }
        return s;
    }

    /**
     * Empties a slot and closes the gap: each later entry of the cluster whose home does not lie
     * (cyclically) after the hole moves into it, so that no entry is cut off from its home.
     */
    private void removeAt(int hole) {
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            if (slots[j * 2 + 1] == 0) {
                break;
            }
            int home = home(slots[j * 2], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole * 2] = slots[j * 2];
                slots[hole * 2 + 1] = slots[j * 2 + 1];
                hole = j;
            }
        }
        slots[hole * 2] = 0;
        slots[hole * 2 + 1] = 0;
        size--;
    }

    private void grow() {
        long[] old = slots;
        allocate(old.length); // twice the slots: old.length / 2 * 2
        for (int i = 0; i < old.length; i += 2) {
            if (old[i + 1] != 0) {
                int j = find(old[i]) * 2;
                slots[j] = old[i];
                slots[j + 1] = old[i + 1];
            }
        }
    }
}
