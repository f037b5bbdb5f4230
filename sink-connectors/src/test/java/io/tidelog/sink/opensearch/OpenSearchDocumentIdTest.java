package io.tidelog.sink.opensearch;

import static io.tidelog.sink.TestRecords.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ObjectNode;

class OpenSearchDocumentIdTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "{\"id\":42}                        | 42",
            "{\"id\":\"abc\"}                   | abc",
            "{\"tenant\":\"acme\",\"id\":3}     | acme:3",
            "{\"a\":\"x:y\",\"b\":\"z\"}        | x\\:y:z",
            "{\"a\":\"x\",\"b\":\"y:z\"}        | x:y\\:z",
            "{\"a\":\"back\\\\slash\"}          | back\\\\slash",
            "{\"id\":1.5,\"on\":true}           | 1.5:true",
            "{\"id\":\"ünï\"}                   | ünï"})
    void isTheKeyValuesWithSeparatorsInsideValuesEscaped(String key, String id) {
        assertThat(DocumentId.of(key(key))).isEqualTo(id);
    }

    @Test
    void isTheSameForEqualKeysAndDiffersForDifferentOnes() {
        assertThat(DocumentId.of(key("{\"a\":\"x:y\",\"b\":\"z\"}")))
                .isNotEqualTo(DocumentId.of(key("{\"a\":\"x\",\"b\":\"y:z\"}")));
        assertThat(DocumentId.of(key("{\"a\":1,\"b\":2}"))).isEqualTo(DocumentId.of(key("{\"a\":1,\"b\":2}")));
    }

    @Test
    void keepsAnIdOfExactly512Bytes() {
        String value = "é".repeat(256); // 2 bytes each
        assertThat(DocumentId.of(key("{\"id\":\"" + value + "\"}"))).isEqualTo(value);
    }

    @Test
    void hashesAnIdOver512Bytes() {
        String value = "é".repeat(256) + "x";
        String id = DocumentId.of(key("{\"id\":\"" + value + "\"}"));
        assertThat(id).startsWith("sha256:").hasSize(7 + 64);
        assertThat(id.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(512);
        assertThat(DocumentId.of(key("{\"id\":\"" + value + "\"}"))).isEqualTo(id);
        assertThat(DocumentId.of(key("{\"id\":\"" + value + "y\"}"))).isNotEqualTo(id);
    }

    private static ObjectNode key(String json) {
        return (ObjectNode) JSON.readTree(json);
    }
}
