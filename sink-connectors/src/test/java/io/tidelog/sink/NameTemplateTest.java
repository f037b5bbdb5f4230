package io.tidelog.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.event.TableId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NameTemplateTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{table}:{pk}          | {\"id\":42}                     | orders:42",
            "{table}:{pk}          | {\"tenant\":\"acme\",\"id\":3} | orders:acme:3",
            "cdc-{schema}-{table}  | {\"id\":1}                      | cdc-public-orders",
            "plain                 | {\"id\":1}                      | plain",
            "{table}:{pk}          | {\"a\":\"x:y\",\"b\":\"z\"}    | orders:x\\:y:z",
            "{table}:{pk}          | {\"a\":\"x\",\"b\":\"y:z\"}    | orders:x:y\\:z",
            "{table}:{pk}          | {\"path\":\"c:\\\\tmp\"}       | orders:c\\:\\\\tmp",
    })
    void renders(String template, String key, String expected) {
        SinkRecord record = TestRecords.upsert(new TableId("public", "orders"), key, "{}", 1);
        assertThat(NameTemplate.parse(template).render(record)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{tabel}:{pk}   | unknown placeholder {tabel}",
            "{table:{pk}    | unknown placeholder {table:{pk}",
            "orders}        | without",
            "{table}:{pk    | without",
    })
    void refusesBadTemplatesNamingTheProblem(String template, String message) {
        assertThatThrownBy(() -> NameTemplate.parse(template)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource({"'{table}:{pk}', true", "'{schema}.{table}', false"})
    void knowsWhetherItDependsOnTheRow(String template, boolean usesKey) {
        assertThat(NameTemplate.parse(template).usesKey()).isEqualTo(usesKey);
    }
}
