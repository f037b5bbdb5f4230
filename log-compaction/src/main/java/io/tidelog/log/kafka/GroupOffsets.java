package io.tidelog.log.kafka;

import io.tidelog.log.OffsetOutOfRangeException;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

/**
 * Consumer groups' committed offsets, read and changed through the admin client, and their lag.
 *
 * <p>Kafka refuses to change a group's offsets from outside ({@link #commit}) while the group has active
 * members, since a member would overwrite them with its next commit; the future then fails with a
 * {@link KafkaLogException} saying so. Members commit their own through {@link KafkaGroupConsumer}.
 *
 * <p>Thread-safe.
 */
final class GroupOffsets {

    private final KafkaClients clients;
    private final Admin admin;
    private final Readers readers;
    private final Clock clock;

    GroupOffsets(KafkaClients clients, Admin admin, Readers readers, Clock clock) {
        this.clients = clients;
        this.admin = admin;
        this.readers = readers;
        this.clock = clock;
    }

    /** All offsets the group committed; empty for an unknown group. */
    Map<TopicPartition, Long> committed(String groupId) {
        return ours(clients.await(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(),
                "reading the offsets of group " + groupId));
    }

    /** The group's committed offsets of these partitions; a partition without one is absent. */
    Map<TopicPartition, Long> committed(String groupId, Collection<TopicPartition> partitions) {
        ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(Convert.kafka(partitions));
        return ours(clients.await(admin.listConsumerGroupOffsets(Map.of(groupId, spec)).partitionsToOffsetAndMetadata(groupId),
                "reading the offsets of group " + groupId));
    }

    private static Map<TopicPartition, Long> ours(Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (o != null && o.offset() >= 0) {
                out.put(Convert.ours(tp), o.offset());
            }
        });
        return out;
    }

    /** Sets the group's offsets from outside the group; see the class Javadoc. */
    CompletableFuture<Void> commit(String groupId, Map<TopicPartition, Long> offsets) {
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> k = kafkaOffsets(offsets);
        if (k.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        admin.alterConsumerGroupOffsets(groupId, k).all().whenComplete((v, error) -> {
            if (error == null) {
                done.complete(null);
                return;
            }
            Throwable e = unwrap(error);
            if (activeMembers(e)) {
                done.completeExceptionally(new KafkaLogException(KafkaLogException.Problem.FAILED, "Kafka refuses to change "
                        + "the offsets of consumer group " + groupId + " while the group has active members; stop its "
                        + "consumers first, or let a member seek and commit", e));
            } else if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
                done.completeExceptionally(clients.timedOut("committing the offsets of group " + groupId, e));
            } else {
                done.completeExceptionally(new KafkaLogException(KafkaLogException.Problem.FAILED,
                        "committing the offsets of group " + groupId + " failed: " + e, e));
            }
        });
        return done;
    }

    /** Kafka's offsets for {@code offsets}, refusing negative ones. */
    static Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> kafkaOffsets(Map<TopicPartition, Long> offsets) {
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> k = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (o < 0) {
                throw new IllegalArgumentException("negative offset " + o + " for " + tp);
            }
            k.put(Convert.kafka(tp), new OffsetAndMetadata(o));
        });
        return k;
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * How the coordinator refuses an offset commit from outside a group with members: the admin client is
     * no member, so the classic coordinator answers unknown member or illegal generation, or the group is
     * not empty, or mid-rebalance.
     */
    private static boolean activeMembers(Throwable e) {
        return e instanceof GroupNotEmptyException || e instanceof UnknownMemberIdException
                || e instanceof IllegalGenerationException || e instanceof RebalanceInProgressException;
    }

    /**
     * Lag of the group on each partition, as the embedded log computes it: from {@code max(committed,
     * logStart)} to the end; the time lag is the age of the first record not consumed.
     */
    List<PartitionLag> lag(String groupId, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        Map<TopicPartition, Long> committed = committed(groupId, partitions);
        Map<TopicPartition, Long> starts = readers.logStartOffsets(partitions);
        Map<TopicPartition, Long> ends = readers.endOffsets(partitions);
        List<PartitionLag> out = new ArrayList<>(partitions.size());
        for (TopicPartition tp : partitions) {
            long c = committed.getOrDefault(tp, -1L);
            long start = starts.get(tp);
            long end = ends.get(tp);
            long from = Math.max(c, start);
            out.add(new PartitionLag(tp, c, start, end, Math.max(0, end - from), timeLag(tp, from, end)));
        }
        return out;
    }

    private Duration timeLag(TopicPartition tp, long from, long end) {
        if (from >= end) {
            return Duration.ZERO;
        }
        try {
            ReadResult r = readers.read(tp, from, 1, 1, Duration.ZERO);
            return r.isEmpty() ? Duration.ZERO
                    : Duration.ofMillis(Math.max(0, clock.millis() - r.records().get(0).timestamp()));
        } catch (OffsetOutOfRangeException e) {
            return Duration.ZERO;
        } catch (InterruptedException e) {
            throw clients.interrupted("reading the lag of " + tp, e);
        }
    }
}
