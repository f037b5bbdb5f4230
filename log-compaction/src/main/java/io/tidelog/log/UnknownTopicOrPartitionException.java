package io.tidelog.log;

/** The topic does not exist, or the partition number is outside its partition count. */
public class UnknownTopicOrPartitionException extends ChangeLogException {
    private final String topic;
    private final int partition;

    public UnknownTopicOrPartitionException(String topic, int partition) {
        super(partition < 0 ? "unknown topic " + topic : "unknown partition " + topic + "-" + partition);
        this.topic = topic;
        this.partition = partition;
    }

    public String topic() { return topic; }

    /** The partition asked for, or {@code -1} when the topic itself is unknown. */
    public int partition() { return partition; }
}
