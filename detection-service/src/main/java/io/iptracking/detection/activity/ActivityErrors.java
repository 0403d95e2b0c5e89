package io.iptracking.detection.activity;

import io.iptracking.common.ip.InvalidIpException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors of the activity endpoint as RFC 9457 problem details. */
@RestControllerAdvice
class ActivityErrors {

    @ExceptionHandler(InvalidIpException.class)
    ProblemDetail invalidIp(InvalidIpException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        p.setTitle("Not an IP address");
        return p;
    }
}
