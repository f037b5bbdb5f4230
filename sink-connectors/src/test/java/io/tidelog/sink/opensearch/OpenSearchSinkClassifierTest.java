package io.tidelog.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.sink.ErrorClassifier;
import io.tidelog.sink.RetriableSinkException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whole-request failures; item results are in {@link OpenSearchBulkResponseTest}. */
class OpenSearchSinkClassifierTest {

    private final ErrorClassifier classifier =
            new OpenSearchSink(OpenSearchSinkSettings.defaults(URI.create("http://localhost:9200"))).classifier();

    @ParameterizedTest
    @CsvSource({
            "408, true", "429, true", "500, true", "502, true", "503, true", "504, true",
            "400, false", "401, false", "403, false", "404, false", "413, false", "501, false"})
    void retriesOnlyStatusesThatMayPass(int status, boolean retriable) {
        assertThat(ClusterClient.isRetriableStatus(status)).isEqualTo(retriable);
    }

    @Test
    void unreachableAndTimedOutAreRetriable() {
        assertThat(classifier.isRetriable(new ConnectException("Connection refused"))).isTrue();
        assertThat(classifier.isRetriable(new SocketTimeoutException("30,000 milliseconds timeout"))).isTrue();
        assertThat(classifier.isRetriable(new RetriableSinkException("bulk failed", new SocketTimeoutException()))).isTrue();
        assertThat(classifier.isRetriable(new RetriableSinkException("2 item(s) failed for now"))).isTrue();
    }

    @Test
    void aRefusedRequestIsPermanentWhateverItWraps() {
        OpenSearchRequestException refused = new OpenSearchRequestException("bulk", 401, "security_exception", "no");
        assertThat(classifier.isRetriable(refused)).isFalse();
        assertThat(classifier.isRetriable(new IllegalStateException("wrapped", refused))).isFalse();
        assertThat(classifier.isRetriable(new IllegalArgumentException("bad"))).isFalse();
        assertThat(classifier.isRetriable(new UncheckedIOException(new java.io.IOException("x")))).isTrue();
    }
}
