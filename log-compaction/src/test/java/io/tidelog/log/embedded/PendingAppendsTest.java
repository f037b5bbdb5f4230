package io.tidelog.log.embedded;

import io.tidelog.log.AppendResult;
import io.tidelog.log.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PendingAppendsTest {
    final TopicPartition tp = new TopicPartition("t", 0);

    @Test
    void growsAndReleasesInOffsetOrderUpToTheDurableEnd() {
        PendingAppends q = new PendingAppends();
        for (int i = 0; i < 200; i++) {
            q.add(new PendingAppends.Pending(new AppendResult(tp, i * 2L, i * 2L + 1)));
        }
        assertThat(q.size()).isEqualTo(200);
        int released = 0;
        PendingAppends.Pending p;
        while ((p = q.poll(101)) != null) {
            assertThat(p.result.baseOffset()).isEqualTo(released * 2L);
            released++;
        }
        assertThat(released).isEqualTo(50);
        assertThat(q.pollAny().result.baseOffset()).isEqualTo(100);
        assertThat(q.size()).isEqualTo(149);
    }
}
