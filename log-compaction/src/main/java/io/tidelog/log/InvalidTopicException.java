package io.tidelog.log;

/** A topic name breaks the naming rules (Kafka's: {@code [a-zA-Z0-9._-]{1,249}}, not "." or ".."). */
public class InvalidTopicException extends ChangeLogException {
    private final String topic;

    public InvalidTopicException(String topic, String reason) {
        super("invalid topic name '" + topic + "': " + reason);
        this.topic = topic;
    }

    public String topic() { return topic; }
}
