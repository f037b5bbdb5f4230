package io.tidelog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCopyTest {

    @TempDir
    Path dir;

    private final TopicPartition items0 = new TopicPartition("tidelog.public.items", 0);
    private final TopicPartition items1 = new TopicPartition("tidelog.public.items", 1);

    @Test
    void copiesEveryTopicRecordByRecordAndTranslatesGroupOffsets() throws Exception {
        try (ChangeLog from = EmbeddedChangeLog.open(dir.resolve("from"), LogConfig.defaults());
             ChangeLog to = EmbeddedChangeLog.open(dir.resolve("to"), LogConfig.defaults())) {
            from.createTopic("tidelog.public.items", TopicConfig.compacted(2));
            from.createTopic("_tidelog.source-offsets", TopicConfig.compacted(1));
            List<Record> written = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Record r = i % 7 == 6 ? Record.tombstone(b("k" + (i % 5)))
                        : new Record(b("k" + (i % 5)), b("v" + i), List.of(new Header("tidelog.position", b("p" + i))), 1_000 + i);
                written.add(r);
                from.append(i % 2 == 0 ? items0 : items1, List.of(r)).get();
            }
            from.append(new TopicPartition("_tidelog.source-offsets", 0), List.of(Record.of(b("engine"), b("{\"lsn\":42}")))).get();
            from.commitOffsets("tidelog.sink.cache", Map.of(items0, 10L, items1, 25L)).get();

            LogCopy.Result result = new LogCopy(from, to).copy(List.of("tidelog.sink.cache", "tidelog.sink.never-ran"));

            assertThat(to.topics()).containsExactlyInAnyOrder("tidelog.public.items", "_tidelog.source-offsets");
            assertThat(to.topicConfig("tidelog.public.items")).isEqualTo(from.topicConfig("tidelog.public.items"));
            for (TopicPartition tp : List.of(items0, items1, new TopicPartition("_tidelog.source-offsets", 0))) {
                assertThat(describe(to.read(tp, 0, 1_000, 1 << 20).records()))
                        .as(tp.toString()).isEqualTo(describe(from.read(tp, 0, 1_000, 1 << 20).records()));
            }
            assertThat(result.totalRecords()).isEqualTo(51);
            assertThat(result.groups()).containsOnlyKeys("tidelog.sink.cache");
            assertThat(to.committedOffsets("tidelog.sink.cache")).isEqualTo(Map.of(items0, 10L, items1, 25L));
            assertThat(to.committedOffsets("tidelog.sink.never-ran")).isEmpty();
        }
    }

    @Test
    void aGroupOffsetInACompactedGapMovesToTheNextCopiedRecord() {
        long[] copiedSourceOffsets = {3, 4, 9, 12};
        assertThat(LogCopy.translate(copiedSourceOffsets, 0)).isZero();
        assertThat(LogCopy.translate(copiedSourceOffsets, 4)).isEqualTo(1);
        assertThat(LogCopy.translate(copiedSourceOffsets, 5)).isEqualTo(2);
        assertThat(LogCopy.translate(copiedSourceOffsets, 12)).isEqualTo(3);
        assertThat(LogCopy.translate(copiedSourceOffsets, 13)).as("past the last record: the end").isEqualTo(4);
    }

    @Test
    void refusesADestinationThatIsNotEmptyOrPartitionedOtherwise() throws Exception {
        try (ChangeLog from = EmbeddedChangeLog.open(dir.resolve("from"), LogConfig.defaults());
             ChangeLog to = EmbeddedChangeLog.open(dir.resolve("to"), LogConfig.defaults())) {
            from.createTopic("tidelog.public.items", TopicConfig.compacted(2));
            from.append(items0, List.of(Record.of(b("k"), b("v")))).get();

            to.createTopic("tidelog.public.items", TopicConfig.compacted(3));
            assertThatThrownBy(() -> new LogCopy(from, to).copy(List.of()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("3 partitions, the source 2");
        }
        try (ChangeLog from = EmbeddedChangeLog.open(dir.resolve("from"), LogConfig.defaults());
             ChangeLog to = EmbeddedChangeLog.open(dir.resolve("to2"), LogConfig.defaults())) {
            to.createTopic("tidelog.public.items", TopicConfig.compacted(2));
            to.append(items1, List.of(Record.of(b("other"), b("v")))).get();
            assertThatThrownBy(() -> new LogCopy(from, to).copy(List.of()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not empty");
            assertThat(to.endOffset(items0)).as("nothing copied").isZero();
        }
    }

    private static List<String> describe(List<LogRecord> records) {
        return records.stream().map(r -> s(r.key()) + "=" + (r.value() == null ? "null" : s(r.value())) + " @" + r.timestamp()
                + " " + r.headers().stream().map(h -> h.key() + ":" + s(h.value())).toList()).toList();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
