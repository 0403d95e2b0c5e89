package io.iptracking.admin.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

class FailuresTest {

    @ParameterizedTest
    @CsvSource({
            "08006, TRANSIENT",  // connection failure
            "57P01, TRANSIENT",  // admin shutdown: the server is being stopped
            "53300, TRANSIENT",  // too many connections
            "40001, TRANSIENT",  // serialization failure
            "22021, PERMANENT",  // invalid byte sequence (NUL in text)
            "22P05, PERMANENT",  // untranslatable character (\\u0000 in jsonb)
            "23505, PERMANENT",  // unique violation
            "25006, TRANSIENT",  // read-only transaction: a replica after a fail-over
            "55P03, TRANSIENT",  // lock not available
            "42P01, TRANSIENT",  // undefined table: a migration not yet applied
            "54000, PERMANENT",  // program limit exceeded: a value too large to index
            "42601, UNKNOWN",    // syntax error: ours, not the record's nor the server's state
    })
    void aDatabaseErrorIsClassifiedByItsSqlState(String state, Failures expected) {
        SQLException e = new SQLException("boom", state);
        assertThat(Failures.of(e)).isEqualTo(expected);
        // The same, translated the way the request log and JdbcTemplate do.
        var translated = new SQLStateSQLExceptionTranslator().translate("task", null, e);
        assertThat(Failures.of(translated != null ? translated : new UncategorizedSQLException("task", null, e)))
                .isEqualTo(expected);
    }

    @Test
    void theListenersWrappersDoNotHideTheFailure() {
        Exception away = new CannotGetJdbcConnectionException("no connection", new SQLTransientConnectionException("timeout"));
        assertThat(Failures.of(new ListenerExecutionFailedException("listener failed",
                new BatchListenerFailedException("could not store", away, 3)))).isEqualTo(Failures.TRANSIENT);
        assertThat(Failures.of(new BatchListenerFailedException("unreadable", new SerializationException("bad json"), 0)))
                .isEqualTo(Failures.PERMANENT);
        assertThat(Failures.of(new BatchListenerFailedException("x", new DataIntegrityViolationException("NUL"), 0)))
                .isEqualTo(Failures.PERMANENT);
        assertThat(Failures.of(new BatchListenerFailedException("x", new TimeoutException("broker"), 0)))
                .isEqualTo(Failures.TRANSIENT);
        assertThat(Failures.of(new IllegalStateException("a bug"))).isEqualTo(Failures.UNKNOWN);
    }
}
