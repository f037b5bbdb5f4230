package io.tidelog.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangeVersionTest {

    @Test
    void aChangeCommittedAfterTheSnapshotIsNewerEvenIfItsOwnLsnIsOlder() {
        ChangeVersion snapshotRead = ChangeVersion.of(0, 1000);       // consistent point 1000
        ChangeVersion lateCommit = ChangeVersion.of(1200, 900);       // began before the snapshot, committed after
        assertThat(lateCommit.isNewerThan(snapshotRead)).isTrue();
        assertThat(snapshotRead.isNewerThan(lateCommit)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "500, 400, 500, 450, false",   // same transaction, later change is newer
            "500, 450, 500, 400, true",
            "600, 100, 500, 450, true",    // later commit wins whatever the change LSNs
            "500, 450, 500, 450, false",   // equal is not newer: a replay is a no-op
    })
    void ordersByCommitThenChange(long major, long minor, long otherMajor, long otherMinor, boolean newer) {
        assertThat(new ChangeVersion(major, minor).isNewerThan(new ChangeVersion(otherMajor, otherMinor))).isEqualTo(newer);
    }

    @Test
    void comparesAsUnsigned64BitAndRoundTripsItsText() {
        ChangeVersion huge = new ChangeVersion(-2L, 5);               // 2^64 - 2
        assertThat(huge.isNewerThan(new ChangeVersion(Long.MAX_VALUE, 0))).isTrue();
        assertThat(huge.toString()).isEqualTo("18446744073709551614/5");
        assertThat(ChangeVersion.parse(huge.toString())).isEqualTo(huge);
        assertThat(huge.isNewerThan(null)).isTrue();
    }
}
