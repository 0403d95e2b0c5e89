package io.iptracking.admin.kafka;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * What a failure to store a record means for the record: whether trying again can help.
 *
 * <ul>
 *   <li><b>Transient</b>: the store or the broker is away or busy (no connection, a timeout, a
 *       serialization conflict). Retried with backoff for as long as it lasts: such a record is never
 *       skipped.
 *   <li><b>Permanent</b>: the record itself is the problem (it cannot be read, breaks its contract, or
 *       holds a value the database refuses). Retrying gives the same answer, so it goes to a dead-letter
 *       topic at once and the next record is processed.
 *   <li><b>Unknown</b>: anything else, retried a few times, then dead-lettered, so that a failure no
 *       one foresaw cannot stop a consumer for good.
 * </ul>
 */
public enum Failures {
    TRANSIENT,
    PERMANENT,
    UNKNOWN;

    /** Classifies by the first cause in the chain that says something: the outermost wrappers say nothing. */
    public static Failures of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordRefusedException || t instanceof DeserializationException
                    || t instanceof SerializationException) {
                return PERMANENT;
            }
            if (t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException
                    || t instanceof DataAccessResourceFailureException || t instanceof CannotCreateTransactionException
                    || t instanceof RetriableException || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException) {
                return TRANSIENT;
            }
            if (t instanceof DataIntegrityViolationException) {
                // A value the database refuses (out of range, NUL, a broken constraint): SQLSTATE 22 or 23.
                return PERMANENT;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return ofSqlState(sql.getSQLState());
            }
        }
        return UNKNOWN;
    }

    /**
     * By SQLSTATE class (PostgreSQL, Appendix A): connection exceptions (08), insufficient resources
     * (53), operator intervention such as a shutdown (57), system errors (58) and rollbacks
     * (40: serialization failure, deadlock) pass; data exceptions (22) and integrity constraint
     * violations (23) are the record's.
     */
    static Failures ofSqlState(String state) {
        String sqlClass = state.length() >= 2 ? state.substring(0, 2) : state;
        return switch (sqlClass) {
            case "08", "40", "53", "57", "58" -> TRANSIENT;
            case "22", "23" -> PERMANENT;
            default -> UNKNOWN;
        };
    }
}
