package io.iptracking.admin.web;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * The problem types of the admin API (RFC 9457). Each names one kind of failure; clients switch on
 * {@code type}, people read {@code detail}.
 */
public final class Problems {

    /** A request field or parameter is not acceptable; {@code field} and {@code reason} say which and why. */
    public static final URI INVALID_FIELD = type("invalid-field");
    /** The body is not JSON, or not the JSON this endpoint takes. */
    public static final URI MALFORMED_BODY = type("malformed-body");
    /**
     * The request itself is not acceptable, before any field is read: not valid HTTP, or a target
     * the server refuses to map (an encoded slash, backslash or NUL, a broken percent escape, CR/LF,
     * a path above the root).
     */
    public static final URI MALFORMED_REQUEST = type("malformed-request");
    /** The body is larger than the API accepts. */
    public static final URI BODY_TOO_LARGE = type("body-too-large");
    /** A live entry already covers exactly this CIDR; {@code existingId} names it. */
    public static final URI ENTRY_EXISTS = type("entry-exists");
    /** No such entry, IP or path. */
    public static final URI NOT_FOUND = type("not-found");
    /** No valid API key. */
    public static final URI UNAUTHORIZED = type("unauthorized");
    /** The key's role may not do this. */
    public static final URI FORBIDDEN = type("forbidden");
    /** A limit that protects the service was reached (addresses pulling with one bouncer key, webhook endpoints). */
    public static final URI LIMIT_REACHED = type("limit-reached");
    /** A part the call needs (Kafka) did not answer in time; nothing was changed, try again. */
    public static final URI UNAVAILABLE = type("unavailable");
    /** Something failed on our side; the log has the details. */
    public static final URI INTERNAL = type("internal-error");

    private Problems() {
    }

    private static URI type(String name) {
        return URI.create("urn:iptracking:problem:" + name);
    }

    public static ProblemDetail of(HttpStatus status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    /** Writes a problem from a servlet filter, where no controller advice runs. */
    public static void write(HttpServletResponse response, ProblemDetail problem, JsonMapper mapper) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(mapper.writeValueAsBytes(problem));
    }
}
