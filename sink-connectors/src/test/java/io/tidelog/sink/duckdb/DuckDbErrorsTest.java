package io.tidelog.sink.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.sink.RetriableSinkException;
import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DuckDbErrorsTest {

    @ParameterizedTest(name = "{0} → retriable {1}")
    @CsvSource(delimiter = '|', textBlock = """
            IO Error: Could not write file "w.duckdb.wal": No space left on device       | true
            IO Error: Could not set lock on file "w.duckdb": Conflicting lock is held     | true
            Interrupt Error: Interrupted!                                                 | true
            TransactionContext Error: Catalog write-write conflict on alter with "t"      | true
            FATAL Error: Failed: database has been invalidated because of a previous fatal error | true
            Constraint Error: NOT NULL constraint failed: t._tidelog_op                   | false
            Conversion Error: Could not convert string 'five' to INT64                    | false
            Binder Error: Column with name name already exists!                           | false
            Catalog Error: Table with name t does not exist!                              | false
            Invalid Input Error: ON CONFLICT DO UPDATE can not update the same row twice  | false
            Out of Memory Error: failed to allocate data of size 16.0 MiB                 | false
            """)
    void classifiesDuckDbMessages(String message, boolean retriable) {
        SQLException error = new SQLException(message);

        assertThat(DuckDbErrors.CLASSIFIER.isRetriable(error)).isEqualTo(retriable);
        assertThat(DuckDbErrors.CLASSIFIER.isRetriable(new RuntimeException("wrapped", error))).isEqualTo(retriable);
    }

    @ParameterizedTest
    @CsvSource({"io, true", "retriable, true", "state, false"})
    void keepsTheDefaultClassification(String kind, boolean retriable) {
        Exception error = switch (kind) {
            case "io" -> new IOException("disk");
            case "retriable" -> new RetriableSinkException("later");
            default -> new IllegalStateException("bug");
        };

        assertThat(DuckDbErrors.CLASSIFIER.isRetriable(error)).isEqualTo(retriable);
    }
}
