package io.iptracking.admin.web;

import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place where the API's errors become RFC 9457 problem details. Bad input is always a 4xx
 * naming what was wrong; only a failure on our side is a 500, and it says nothing about internals.
 */
@RestControllerAdvice
class ApiProblems extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);

    @ExceptionHandler(InvalidFieldException.class)
    ProblemDetail invalidField(InvalidFieldException e) {
        return invalid(e.field(), e.reason());
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("Unexpected error in the admin API", e);
        return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL, "Internal error",
                "the request failed on the server; it has been logged");
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ProblemDetail problem;
        Throwable cause = ex.getCause();
        if (causedBy(ex, RequestSizeLimit.BodyTooLargeException.class) instanceof RequestSizeLimit.BodyTooLargeException big) {
            problem = RequestSizeLimit.tooLarge(big.maxBytes);
        } else if (cause instanceof UnrecognizedPropertyException unknown) {
            problem = invalid(path(unknown), "is not a field of this request");
        } else if (cause instanceof JacksonException json && !json.getPath().isEmpty()
                && !(cause instanceof tools.jackson.core.exc.StreamReadException)) {
            problem = invalid(path(json), "has the wrong type: " + json.getOriginalMessage().split("\n")[0]);
        } else if (cause == null) {
            problem = Problems.of(HttpStatus.BAD_REQUEST, Problems.MALFORMED_BODY, "Malformed body", "a JSON request body is required");
        } else if (cause instanceof tools.jackson.core.exc.StreamReadException) {
            problem = Problems.of(HttpStatus.BAD_REQUEST, Problems.MALFORMED_BODY, "Malformed body", "the request body is not valid JSON");
        } else {
            problem = Problems.of(HttpStatus.BAD_REQUEST, Problems.MALFORMED_BODY, "Malformed body",
                    "the request body is not the JSON object this endpoint takes");
        }
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", "no such path: /" + ex.getResourcePath()));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
        String expected = ex.getRequiredType() == null ? "value" : ex.getRequiredType().getSimpleName().toLowerCase();
        ProblemDetail problem = invalid(name, "'" + ex.getValue() + "' is not a valid " + expected);
        return ResponseEntity.badRequest().body(problem);
    }

    static ProblemDetail invalid(String field, String reason) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, Problems.INVALID_FIELD, "Invalid field", field + ": " + reason);
        problem.setProperty("field", field);
        problem.setProperty("reason", reason);
        return problem;
    }

    private static String path(JacksonException e) {
        return e.getPath().stream()
                .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static Throwable causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        return null;
    }
}
