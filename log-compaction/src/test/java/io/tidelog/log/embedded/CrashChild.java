package io.tidelog.log.embedded;

import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM for {@link KillNineIT}: appends batches from two threads forever and prints
 * {@code ACK <partition> <offset> <value>} for every record once its future completes.
 * Arguments: log directory, fsync policy ({@code batch} or an interval in ms). Killed with SIGKILL.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        LogConfig.FsyncPolicy fsync = args[1].equals("batch") ? LogConfig.FsyncPolicy.perBatch()
                : LogConfig.FsyncPolicy.every(Duration.ofMillis(Long.parseLong(args[1])));
        EmbeddedChangeLog log = EmbeddedChangeLog.open(Path.of(args[0]), LogConfig.defaults().withFsync(fsync));
        log.createTopic("crash", TopicConfig.DEFAULT.withPartitions(2).withSegment(64 * 1024, Duration.ofDays(1)));
        for (int t = 0; t < 2; t++) {
            TopicPartition tp = new TopicPartition("crash", t);
            Thread writer = new Thread(() -> {
                for (long i = 0; ; i++) {
                    List<Record> batch = new ArrayList<>();
                    for (int r = 0; r < 1 + i % 7; r++) {
                        batch.add(Record.of(("k" + r).getBytes(), ("p" + tp.partition() + "-" + i + "-" + r).getBytes()));
                    }
                    log.append(tp, batch).thenAccept(ack -> {
                        StringBuilder sb = new StringBuilder();
                        for (int r = 0; r < batch.size(); r++) {
                            sb.append("ACK ").append(tp.partition()).append(' ').append(ack.baseOffset() + r).append(' ')
                                    .append(new String(batch.get(r).value())).append('\n');
                        }
                        synchronized (System.out) {
                            System.out.print(sb);
                            System.out.flush();
                        }
                    });
                }
            });
            writer.start();
        }
        Thread.currentThread().join();
    }
}
