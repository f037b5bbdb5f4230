package io.tidelog.log.embedded;

import io.tidelog.log.CleanupPolicy;
import io.tidelog.log.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cleaning state of compacted partitions (Kafka's {@code LogCleanerManager}): the first dirty offset
 * (checkpointed in the partition directory, so work is not redone after restart), the earliest known
 * tombstone delete horizon, partitions found uncleanable, and the choice of the next partition.
 *
 * <p>Dirty range of a partition: {@code [firstDirty, firstUncleanable)}, where first-uncleanable is the
 * active segment's base or the base of the first sealed segment holding a record younger than
 * min-compaction-lag. A partition is cleaned when dirty bytes / (clean + dirty bytes) reaches its
 * min-cleanable-dirty-ratio, or when a tombstone's delete horizon has passed.
 *
 * <p>Thread-safety: concurrent maps; decisions are made by the single cleaner thread.
 */
final class CleanerManager {
    private static final Logger log = LoggerFactory.getLogger(CleanerManager.class);

    /** A partition chosen for cleaning and its range. */
    record Candidate(PartitionLog log, long firstDirty, long firstUncleanable, double dirtyRatio) {
    }

    private final Map<TopicPartition, Long> firstDirty = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> deleteHorizon = new ConcurrentHashMap<>();
    private final Set<TopicPartition> uncleanable = ConcurrentHashMap.newKeySet();

    /** The compacted partition with the highest dirty ratio that is due for cleaning, or null. */
    Candidate grabFilthiestLog(List<PartitionLog> logs, long now, Set<TopicPartition> exclude) {
        Candidate best = null;
        for (PartitionLog p : logs) {
            if (p.config().cleanupPolicy() != CleanupPolicy.COMPACT || uncleanable.contains(p.partition())
                    || exclude.contains(p.partition())) {
                continue;
            }
            long dirtyFrom = firstDirtyOffset(p);
            long uncleanableFrom = firstUncleanableOffset(p, now);
            long clean = 0;
            long dirty = 0;
            for (LogSegment s : p.sealedSegments()) {
                if (s.baseOffset() >= uncleanableFrom) {
                    break;
                }
                if (s.nextOffset() <= dirtyFrom) {
                    clean += s.size();
                } else {
                    dirty += s.size();
                }
            }
            double ratio = clean + dirty == 0 ? 0 : (double) dirty / (clean + dirty);
            boolean byRatio = dirty > 0 && ratio >= p.config().minCleanableDirtyRatio();
            boolean byHorizon = deleteHorizon.getOrDefault(p.partition(), Long.MAX_VALUE) <= now && clean > 0;
            if ((byRatio || byHorizon) && (best == null || ratio > best.dirtyRatio())) {
                best = new Candidate(p, dirtyFrom, uncleanableFrom, ratio);
            }
        }
        return best;
    }

    long firstDirtyOffset(PartitionLog p) {
        long offset = firstDirty.computeIfAbsent(p.partition(), tp -> readCheckpoint(p));
        return Math.max(offset, p.logStartOffset());
    }

    static long firstUncleanableOffset(PartitionLog p, long now) {
        long lagMs = p.config().minCompactionLag().toMillis();
        for (LogSegment s : p.sealedSegments()) {
            if (now - s.maxTimestamp() < lagMs) {
                return s.baseOffset();
            }
        }
        return p.activeBaseOffset();
    }

    void doneCleaning(PartitionLog p, Cleaner.Result result) throws IOException {
        firstDirty.put(p.partition(), result.endOffset());
        writeCheckpoint(p, result.endOffset());
        if (result.earliestDeleteHorizon() == Long.MAX_VALUE) {
            deleteHorizon.remove(p.partition());
        } else {
            deleteHorizon.put(p.partition(), result.earliestDeleteHorizon());
        }
    }

    void markUncleanable(PartitionLog p, Exception cause) {
        uncleanable.add(p.partition());
        log.error("Compaction of {} stopped: the partition is marked uncleanable until restart", p.partition(), cause);
    }

    boolean isUncleanable(TopicPartition tp) {
        return uncleanable.contains(tp);
    }

    private static long readCheckpoint(PartitionLog p) {
        Path file = p.dir().resolve(LogFiles.CLEANER_CHECKPOINT);
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0L;
        } catch (IOException | NumberFormatException e) {
            return 0L;
        }
    }

    private static void writeCheckpoint(PartitionLog p, long offset) throws IOException {
        Path file = p.dir().resolve(LogFiles.CLEANER_CHECKPOINT);
        Path tmp = LogFiles.withSuffix(file, ".tmp");
        Files.writeString(tmp, Long.toString(offset), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
