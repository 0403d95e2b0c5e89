package io.iptracking.admin.web;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error report as problem details. Tomcat answers some requests itself, before any
 * filter or controller runs: a target with {@code %2f}, {@code %5c}, {@code %00} or a broken
 * percent escape, a path above the root. Its own valve writes an HTML page for them; this one writes
 * the same problem details as the rest of the API, and nothing about the server.
 */
public final class ProblemReportValve extends ErrorReportValve {

    private final JsonMapper mapper;

    public ProblemReportValve(JsonMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ProblemDetail problem = problem(status);
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(mapper.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away or the response was already under way: nothing more to say.
        }
    }

    /** The problem for a status Tomcat set without the application. */
    static ProblemDetail problem(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        if (known == null || known.is5xxServerError()) {
            return Problems.of(HttpStatus.valueOf(known == null ? 500 : status), Problems.INTERNAL, "Internal error",
                    "the request failed on the server; it has been logged");
        }
        if (known == HttpStatus.BAD_REQUEST) {
            return Problems.of(known, Problems.MALFORMED_REQUEST, "Malformed request",
                    "the request is not valid HTTP, or its target holds an encoded slash, backslash, NUL or a broken escape");
        }
        if (known == HttpStatus.NOT_FOUND) {
            return Problems.of(known, Problems.NOT_FOUND, "Not found", "no such path");
        }
        return ProblemDetail.forStatus(known);
    }
}
