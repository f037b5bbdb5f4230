package io.tidelog.log.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyOffsetTableTest {

    @Test
    void putGetAndRemoveAgreeWithAMapWhileItGrows() {
        KeyOffsetTable table = new KeyOffsetTable(64L << 20);
        Map<Long, Long> model = new HashMap<>();
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            long hash = random.nextInt(20_000) * 0x9E3779B97F4A7C15L; // clustered homes exercise probing
            if (random.nextInt(4) == 0) {
                table.remove(hash);
                model.remove(hash);
            } else {
                table.put(hash, i);
                model.put(hash, (long) i);
            }
        }
        assertThat(table.size()).isEqualTo(model.size());
        model.forEach((hash, offset) -> assertThat(table.get(hash)).isEqualTo(offset));
        for (int k = 0; k < 20_000; k++) {
            long hash = k * 0x9E3779B97F4A7C15L;
            if (!model.containsKey(hash)) {
                assertThat(table.get(hash)).as("removed key %d", k).isEqualTo(-1);
            }
        }
        assertThat(table.evictions()).isZero();
    }

    @ParameterizedTest
    @CsvSource({
            // maxBytes, keys put
            "1024,      1000",
            "16384,     100000",
            "1048576,   200000",
    })
    void staysWithinItsBoundByEvictingAndNeverAnswersAWrongOffset(long maxBytes, int keys) {
        KeyOffsetTable table = new KeyOffsetTable(maxBytes);
        Random random = new Random(7);
        long[] hashes = new long[keys];
        for (int i = 0; i < keys; i++) {
            hashes[i] = random.nextLong();
            table.put(hashes[i], i);
        }
        assertThat(table.bytes()).isLessThanOrEqualTo(Math.max(maxBytes, 64 * KeyOffsetTable.BYTES_PER_SLOT));
        assertThat(table.size()).isEqualTo(Math.min(keys, table.capacity()));
        assertThat(table.evictions()).isEqualTo(keys - table.size());
        int known = 0;
        for (int i = 0; i < keys; i++) {
            long offset = table.get(hashes[i]);
            if (offset >= 0) {
                assertThat(offset).isEqualTo(i);
                known++;
            }
        }
        assertThat(known).isEqualTo(table.size());
        assertThat(table.get(hashes[keys - 1])).as("the key just put is kept").isEqualTo(keys - 1);
    }
}
