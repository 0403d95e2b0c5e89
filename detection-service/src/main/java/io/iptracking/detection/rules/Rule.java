package io.iptracking.detection.rules;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.detection.window.Counting;
import io.iptracking.detection.window.Kind;
import io.iptracking.detection.window.RequestFacts;
import io.iptracking.detection.window.WindowSummary;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One threshold rule: given the window of a client and the request just counted in it, a finding or
 * nothing. Pure: the {@link Detector} applies cool-downs and builds the flag.
 *
 * <p>A rule fires when the window crosses its threshold and the new request counts towards the rule's
 * measure (it is the crossing request), so that a client is flagged by the request that made it
 * abusive, not by a later, innocent one.
 */
public interface Rule {

    /** The rule's name on the flag. */
    FlagRule id();

    /** A finding when the rule fires for {@code request}. */
    Optional<Finding> evaluate(Observation observation);

    /**
     * What a rule looks at.
     *
     * @param network the client the window counts
     * @param ip the address that sent the request
     * @param request the request just counted
     * @param window the client's window that ends with its latest request
     * @param windowSize the window's nominal length, for the reason
     * @param samples recent distinct paths of a kind of request within the window, most recent first
     */
    record Observation(Cidr network, ClientIp ip, RequestFacts request, WindowSummary window, Duration windowSize,
            Counting counting, Function<Kind, List<String>> samples) {

        /** How a reason names the client: its address, or its network. Written only when a rule fires. */
        public String subject() {
            return network.isSingleAddress() ? ip.toString() : network.toString();
        }
    }
}
