package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SourceAddressTest {

    @ParameterizedTest
    @CsvSource({
        "jdbc:postgresql://db:5433/shop,              db,        5433, shop",
        "jdbc:postgresql://db/shop,                   db,        5432, shop",
        "jdbc:postgresql://10.0.0.7:6432/app?ssl=true, 10.0.0.7, 6432, app",
        "jdbc:postgresql://[::1]:5432/x,              [::1],     5432, x",
    })
    void parsesHostPortAndDatabase(String url, String host, int port, String database) {
        assertThat(SourceAddress.parse(url)).isEqualTo(new SourceAddress(host, port, database));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres://db:5432/shop", "jdbc:postgresql://db:5432", "jdbc:postgresql://db:99999/x",
                            "jdbc:mysql://db/x", "jdbc:postgresql:///x"})
    void rejectsWhatIsNotAPostgresJdbcUrl(String url) {
        assertThatThrownBy(() -> SourceAddress.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + url + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://db:5433/shop"})
    void printsWithoutScheme(String url) {
        assertThat(SourceAddress.parse(url)).hasToString("db:5433/shop");
        assertThat(SourceAddress.parse(url).jdbcUrl()).isEqualTo(url);
    }
}
