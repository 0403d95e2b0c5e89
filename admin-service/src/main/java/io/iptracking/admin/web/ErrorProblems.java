package io.iptracking.admin.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Problem details for the errors no controller advice sees: what the servlet container forwards to
 * {@code /error} (in place of Boot's own JSON), what Spring Security's firewall refuses (an encoded
 * {@code %25}, CR/LF, {@code ;} or {@code //} in a path) and what Tomcat refuses before any filter
 * (through {@link ProblemReportValve}).
 */
@RestController
class ErrorProblems implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        // Asked for directly, /error is just a path nobody serves.
        ProblemDetail problem = ProblemReportValve.problem(
                request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer status ? status : 404);
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** The firewall's refusals: a 400 problem rather than an exception the container turns into a page. */
    static RequestRejectedHandler requestRejected(JsonMapper mapper) {
        return (request, response, e) -> Problems.write(response, ProblemReportValve.problem(400), mapper);
    }

    /**
     * Puts {@link ProblemReportValve} in place of the host's HTML error report valve, Boot's
     * included; ordered last so that it runs after Boot's customizer has added that one.
     */
    static final class TomcatReports implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        private final JsonMapper mapper;

        TomcatReports(JsonMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                StandardHost host = (StandardHost) context.getParent();
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.getPipeline().addValve(new ProblemReportValve(mapper));
                // The host adds a valve of this class when it starts unless one is there: this one is.
                host.setErrorReportValveClass(ProblemReportValve.class.getName());
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
