package io.iptracking.admin.lists;

import io.iptracking.admin.web.Problems;
import java.time.Clock;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The lists' own refusals as problem details (the API's others are {@code web.ApiProblems}); ordered
 * first, so that these handlers, not the catch-all for unexpected errors, answer them.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ListProblems {

    private final Clock clock;

    ListProblems(Clock clock) {
        this.clock = clock;
    }

    @ExceptionHandler(EntryExistsException.class)
    ProblemDetail exists(EntryExistsException e) {
        ProblemDetail problem = Problems.of(HttpStatus.CONFLICT, Problems.ENTRY_EXISTS, "Entry exists", e.getMessage());
        problem.setProperty("existingId", e.existing().id());
        problem.setProperty("existing", EntryView.of(e.existing(), clock.instant()));
        return problem;
    }

    @ExceptionHandler(EntryNotFoundException.class)
    ProblemDetail notFound(EntryNotFoundException e) {
        return Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", e.getMessage());
    }
}
