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
        // The database's own SQLSTATE first: it is more precise than the exception type a driver or
        // Spring translated it to (Spring counts a program limit, class 54, as a resource failure).
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                Failures byState = ofSqlState(sql.getSQLState());
                if (byState != UNKNOWN) {
                    return byState;
                }
            }
        }
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
        }
        return UNKNOWN;
    }

    /**
     * By SQLSTATE (PostgreSQL, Appendix A). The database's state, which an operator or time fixes:
     * connection exceptions (08), a read-only transaction after a fail-over (25), rollbacks (40:
     * serialization failure, deadlock), insufficient resources (53), an object in use or a lock
     * timeout (55), operator intervention such as a shutdown or a statement timeout (57), system
     * errors (58, XX), and a missing privilege or table (42501, 42P01). The record's own: data
     * exceptions (22), integrity constraint violations (23) and program limits (54, a value too
     * large to index, say).
     */
    static Failures ofSqlState(String state) {
        if (state.equals("42501") || state.equals("42P01")) {
            return TRANSIENT;
        }
        String sqlClass = state.length() >= 2 ? state.substring(0, 2) : state;
        return switch (sqlClass) {
            case "08", "25", "40", "53", "55", "57", "58", "XX" -> TRANSIENT;
            case "22", "23", "54" -> PERMANENT;
            default -> UNKNOWN;
        };
    }
}
