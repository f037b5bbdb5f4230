package io.tidelog.log.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentIndexTest {
    @TempDir
    Path dir;

    private static SegmentIndex sample() {
        SegmentIndex index = new SegmentIndex(1000);
        index.add(1000, 16, -1);
        index.add(1010, 500, 50);
        index.add(1020, 900, 80);
        return index;
    }

    @Test
    void lookupFindsTheLastEntryAtOrBelow() {
        SegmentIndex index = sample();
        assertThat(index.lookup(999)).isEqualTo(-1);
        assertThat(index.lookup(1000)).isEqualTo(16);
        assertThat(index.lookup(1015)).isEqualTo(500);
        assertThat(index.lookup(5000)).isEqualTo(900);
        assertThat(index.lookupTime(60)).isEqualTo(500);
        assertThat(index.lookupTime(0)).isEqualTo(16);
        assertThat(index.lookupTime(-5)).isEqualTo(-1);
    }

    @Test
    void persistsAndRejectsStaleOrDamagedFiles() throws Exception {
        Path off = dir.resolve("a.index");
        Path time = dir.resolve("a.timeindex");
        sample().write(off, time, 1200);

        SegmentIndex loaded = new SegmentIndex(1000);
        assertThat(loaded.load(off, time, 1200)).isTrue();
        assertThat(loaded.entries()).isEqualTo(3);
        assertThat(loaded.lookup(1015)).isEqualTo(500);

        assertThat(new SegmentIndex(1000).load(off, time, 1300)).as("describes another log size").isFalse();
        byte[] bytes = Files.readAllBytes(off);
        bytes[bytes.length - 1] ^= 1;
        Files.write(off, bytes);
        assertThat(new SegmentIndex(1000).load(off, time, 1200)).as("CRC mismatch").isFalse();
        assertThat(new SegmentIndex(1000).load(dir.resolve("missing"), time, 1200)).isFalse();
    }
}
