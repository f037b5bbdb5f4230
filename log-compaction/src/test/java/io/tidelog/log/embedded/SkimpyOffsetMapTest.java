package io.tidelog.log.embedded;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SkimpyOffsetMapTest {

    private static ByteBuffer key(String k) {
        return ByteBuffer.wrap(("xx" + k).getBytes(StandardCharsets.UTF_8));
    }

    private static void put(OffsetMap m, String k, long offset) {
        ByteBuffer b = key(k);
        m.put(b, 2, b.capacity() - 2, offset);
    }

    private static long get(OffsetMap m, String k) {
        ByteBuffer b = key(k);
        return m.get(b, 2, b.capacity() - 2);
    }

    @Test
    void keepsTheLastOffsetPerKeyInFixedMemory() {
        OffsetMap m = new SkimpyOffsetMap(1024 * SkimpyOffsetMap.BYTES_PER_ENTRY);
        for (int i = 0; i < 5000; i++) {
            put(m, "key-" + (i % 500), i);
        }
        assertThat(m.size()).isEqualTo(500);
        for (int k = 0; k < 500; k++) {
            assertThat(get(m, "key-" + k)).isEqualTo(4500 + k);
        }
        assertThat(get(m, "absent")).isEqualTo(-1);
        assertThat(get(m, "")).isEqualTo(-1);
        put(m, "", 7);
        assertThat(get(m, "")).isEqualTo(7);
    }

    @Test
    void reportsFullAtNinetyPercentAndClears() {
        OffsetMap m = new SkimpyOffsetMap(200 * SkimpyOffsetMap.BYTES_PER_ENTRY);
        int i = 0;
        while (!m.isFull()) {
            put(m, "k" + i, i);
            i++;
        }
        assertThat(i).as("90%% of 128 slots (200 rounded down to a power of two)").isEqualTo(115);
        m.clear();
        assertThat(m.size()).isZero();
        assertThat(get(m, "k1")).isEqualTo(-1);
    }

    @Test
    void keysDifferingOnlyInTrailingBytesOrLengthAreDistinct() {
        OffsetMap m = new SkimpyOffsetMap(64 * SkimpyOffsetMap.BYTES_PER_ENTRY);
        put(m, "abcdefgh", 1);
        put(m, "abcdefgh\0", 2);
        put(m, "abcdefgi", 3);
        put(m, "abcdefg", 4);
        assertThat(get(m, "abcdefgh")).isEqualTo(1);
        assertThat(get(m, "abcdefgh\0")).isEqualTo(2);
        assertThat(get(m, "abcdefgi")).isEqualTo(3);
        assertThat(get(m, "abcdefg")).isEqualTo(4);
    }

    @Test
    void growsItsUsedSlotsInPlaceWithoutLosingEntries() {
        SkimpyOffsetMap m = new SkimpyOffsetMap(1 << 20);
        int before = m.slotsInUse();
        for (int i = 0; i < 30_000; i++) {
            put(m, "key-" + i, i);
        }
        assertThat(m.slotsInUse()).isGreaterThan(before).isLessThanOrEqualTo((1 << 20) / SkimpyOffsetMap.BYTES_PER_ENTRY);
        for (int i = 0; i < 30_000; i++) {
            assertThat(get(m, "key-" + i)).isEqualTo(i);
        }
        assertThat(m.size()).isEqualTo(30_000);
        m.clear();
        assertThat(m.slotsInUse()).isEqualTo(before);
        assertThat(get(m, "key-1")).isEqualTo(-1);
    }
}
