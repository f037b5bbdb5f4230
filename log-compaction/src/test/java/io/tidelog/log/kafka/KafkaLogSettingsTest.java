package io.tidelog.log.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings' validation, and which client settings the log keeps for itself. */
class KafkaLogSettingsTest {

    private static final KafkaLogSettings BASE = KafkaLogSettings.of("broker:9092");

    @Test
    void invalidSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> KafkaLogSettings.of(" ")).hasMessageContaining("bootstrap servers are required");
        assertThatThrownBy(() -> new KafkaLogSettings("b:1", (short) 0, true, Duration.ofSeconds(5), Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replication factor");
        assertThatThrownBy(() -> BASE.withRequestTimeout(Duration.ofMillis(999)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 s");
        assertThatThrownBy(() -> BASE.withProperties(Map.of("bootstrap.servers", "other:9092")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bootstrap.servers' is set by the log");
    }

    @Test
    void toStringNamesPropertiesButNeverTheirValues() {
        KafkaLogSettings s = BASE.withProperties(Map.of("sasl.jaas.config", "secret-password"));
        assertThat(s.toString()).contains("sasl.jaas.config").doesNotContain("secret-password");
    }

    @Test
    void userPropertiesCannotWeakenTheGuaranteesButMayTuneTheRest() {
        KafkaClients clients = new KafkaClients(BASE.withProperties(Map.of("acks", "1", "enable.idempotence", "false",
                "max.in.flight.requests.per.connection", "20", "linger.ms", "50", "security.protocol", "SSL",
                "enable.auto.commit", "true", "partition.assignment.strategy", "range")));
        Map<String, Object> producer = clients.producer();
        assertThat(producer).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("max.in.flight.requests.per.connection", 5).containsEntry("linger.ms", "50")
                .containsEntry("security.protocol", "SSL").containsEntry("bootstrap.servers", "broker:9092");
        assertThat(producer.get("compression.type")).isEqualTo(KafkaClients.lz4Available() ? "lz4" : "none");
        Map<String, Object> member = clients.member("g");
        assertThat(member).containsEntry("group.id", "g").containsEntry("enable.auto.commit", false)
                .containsEntry("auto.offset.reset", "none").containsEntry("group.protocol", "classic")
                .containsEntry("partition.assignment.strategy", org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName())
                .containsEntry("security.protocol", "SSL");
        assertThat(clients.reader(1, false)).containsEntry("fetch.max.wait.ms", 0).doesNotContainKey("group.id");
        assertThat(clients.reader(2, true)).doesNotContainKey("fetch.max.wait.ms");
        assertThat(clients.admin()).containsEntry("security.protocol", "SSL");
    }
}
