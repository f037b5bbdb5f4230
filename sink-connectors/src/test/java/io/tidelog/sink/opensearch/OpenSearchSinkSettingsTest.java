package io.tidelog.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.event.TableId;
import io.tidelog.sink.NameTemplate;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenSearchSinkSettingsTest {

    private static final OpenSearchSinkSettings DEFAULTS = OpenSearchSinkSettings.defaults(URI.create("http://localhost:9200"));

    @Test
    void defaults() {
        assertThat(DEFAULTS.urls()).containsExactly(URI.create("http://localhost:9200"));
        assertThat(DEFAULTS.username()).isNull();
        assertThat(DEFAULTS.indexTemplate()).hasToString("{schema}.{table}");
        assertThat(DEFAULTS.maxBulkActions()).isEqualTo(1000);
        assertThat(DEFAULTS.maxBulkBytes()).isEqualTo(5 * 1024 * 1024);
        assertThat(DEFAULTS.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(DEFAULTS.refresh()).isFalse();
    }

    @Test
    void indexNameIsTheTemplateInLowerCase() {
        assertThat(DEFAULTS.indexOf(new TableId("Sales", "Orders"))).isEqualTo("sales.orders");
        assertThat(DEFAULTS.withIndexTemplate("cdc-{table}").indexOf(new TableId("public", "Items"))).isEqualTo("cdc-items");
    }

    @Test
    void refusesATemplateWithTheKey() {
        assertThatThrownBy(() -> DEFAULTS.withIndexTemplate("{table}-{pk}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index-template '{table}-{pk}' must not use {pk}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "my table  | must not contain",
            "_private  | must not start with",
            "a#b       | must not contain"})
    void refusesATableThatGivesAnInvalidIndexName(String table, String message) {
        assertThatThrownBy(() -> DEFAULTS.withIndexTemplate("{table}").indexOf(new TableId("public", table)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("for table public." + table)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "localhost:9200              | must start with http:// or https://",
            "ftp://localhost:9200        | must start with http:// or https://",
            "http://localhost:9200/es    | no path",
            "http://u:p@localhost:9200   | no path, query or user info",
            "http:///x                   | has no host"})
    void refusesBadUrls(String url, String message) {
        assertThatThrownBy(() -> OpenSearchSinkSettings.defaults(URI.create(url)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("opensearch url")
                .hasMessageContaining(message);
    }

    @Test
    void refusesNoUrls() {
        assertThatThrownBy(() -> new OpenSearchSinkSettings(List.of(), null, null, NameTemplate.parse("{table}"), 1, 1,
                null, null, Duration.ofSeconds(1), false))
                .hasMessageContaining("opensearch urls must name at least one node");
    }

    @Test
    void refusesAUserWithoutPassword() {
        assertThatThrownBy(() -> DEFAULTS.withCredentials("admin", null))
                .hasMessageContaining("opensearch username and password must be given together");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 | 1 | max-bulk-actions must be at least 1",
            "1 | 0 | max-bulk-bytes must be at least 1"})
    void refusesEmptyBulks(int actions, int bytes, String message) {
        assertThatThrownBy(() -> DEFAULTS.withMaxBulk(actions, bytes)).hasMessageContaining("opensearch " + message);
    }

    @Test
    void refusesIndexSettingsAndMappingsThatAreNotJsonObjects() {
        assertThatThrownBy(() -> DEFAULTS.withIndex("{\"number_of_shards\":", null))
                .hasMessageContaining("opensearch index-settings is not valid JSON");
        assertThatThrownBy(() -> DEFAULTS.withIndex(null, "[1]"))
                .hasMessageContaining("opensearch index-mappings must be a JSON object");
    }

    @Test
    void refusesANonPositiveTimeout() {
        assertThatThrownBy(() -> DEFAULTS.withRequestTimeout(Duration.ZERO))
                .hasMessageContaining("opensearch request-timeout must be positive");
    }

    @Test
    void toStringMasksThePassword() {
        OpenSearchSinkSettings settings = DEFAULTS.withCredentials("admin", "s3cret!");
        assertThat(settings.toString()).contains("username=admin", "password=****").doesNotContain("s3cret!");
        assertThat(DEFAULTS.toString()).contains("password=null");
    }
}
