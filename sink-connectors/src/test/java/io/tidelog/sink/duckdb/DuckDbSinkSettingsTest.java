package io.tidelog.sink.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.event.TableId;
import io.tidelog.sink.NameTemplate;
import io.tidelog.sink.SinkContext;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DuckDbSinkSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaults() {
        DuckDbSinkSettings settings = DuckDbSinkSettings.defaults(dir.resolve("w.duckdb"));

        assertThat(settings.schema()).isEqualTo("main");
        assertThat(settings.tableTemplate().toString()).isEqualTo("{schema}_{table}");
        assertThat(settings.historySuffix()).isEqualTo("_history");
        assertThat(TableNames.of(settings, new TableId("public", "orders")))
                .isEqualTo(new TableNames("main", "public_orders", "public_orders_history", "public_orders_live"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            no path         |      | main | {table}      | _h       | 'path' must be set
            blank schema    | w.db | " "  | {table}      | _h       | 'schema' must not be blank
            pk in template  | w.db | main | {table}:{pk} | _h       | 'table-template' ('{table}:{pk}') must not use {pk}
            blank suffix    | w.db | main | {table}      | " "      | 'history-suffix'
            suffix is _live | w.db | main | {table}      | _live    | 'history-suffix' ('_live')
            """)
    void refusesNamingTheSetting(String what, String path, String schema, String template, String suffix, String message) {
        assertThatThrownBy(() -> new DuckDbSinkSettings(path == null ? null : dir.resolve(path), schema,
                NameTemplate.parse(template), suffix))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesTablesWhoseNamesCollide() {
        DuckDbSink sink = new DuckDbSink(DuckDbSinkSettings.defaults(dir.resolve("w.duckdb")));
        // public.orders_history would share public_orders_history with the history of public.orders
        assertThatThrownBy(() -> sink.open(new SinkContext("wh",
                Set.of(new TableId("public", "orders"), new TableId("public", "Orders_History")))))
                .isInstanceOf(IllegalArgumentException.class)
                .message().containsIgnoringCase("public_orders_history").contains("table-template");
        sink.close();
    }

    @Test
    void createsParentDirectories() throws Exception {
        Path file = dir.resolve("a/b/w.duckdb");
        try (DuckDbSink sink = new DuckDbSink(DuckDbSinkSettings.defaults(file))) {
            sink.open(new SinkContext("wh", Set.of(new TableId("public", "orders"))));
        }
        assertThat(file).exists();
    }
}
