package io.iptracking.ingest.hostile;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.RequestEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One hostile request (or a short series ending in one) and everything the edge must do with it: the
 * status the client gets, the decision and rule its event records, what the upstream receives (the
 * exact target, or nothing) and what else the event and the upstream's headers must say.
 */
final class Fixture {

    /** Stands for the X-Forwarded-For line a trusted proxy adds, or nothing when the peer is not trusted. */
    static final String XFF = "{xff}";

    /** Extra assertions on the outcome of the last request. */
    interface Check {
        void verify(Outcome outcome);
    }

    /**
     * @param response the last response the client got
     * @param upstream what the upstream received for the last request, or null if it received nothing
     * @param event the last request's event, or null when none was expected
     */
    record Outcome(RawHttp.Response response, RecordingUpstream.Received upstream, RequestEvent event) {
    }

    final String name;
    /** The loopback address the requests come from: the trusted proxy, or a client of its own. */
    String peer;
    /** The X-Forwarded-For value the trusted proxy sends; null when the peer is the client. */
    String forwardedFor;
    /** The client IP the edge must decide on (events, X-Real-IP). */
    String client;
    final List<String> requests = new ArrayList<>();
    int status;
    Decision decision;
    String rule;
    /** The exact target the upstream must receive for the last request; null: it must receive nothing. */
    String forwardedTarget;
    String eventPath;
    /** Jetty answered itself (the request never reached the edge's handler): counted as unparsed. */
    boolean unparsed;
    /** With {@link #unparsed}: whether the client was known, so an event (INVALID, unparsed) records it. */
    boolean unparsedEvent;
    final List<Check> checks = new ArrayList<>();

    Fixture(String name) {
        this.name = name;
    }

    /** Sent by the trusted proxy on behalf of a client (the runner picks a fresh client IP unless given). */
    Fixture viaProxy() {
        this.peer = HostileCorpus.TRUSTED_PROXY;
        return this;
    }

    /** Sent by the trusted proxy, which names {@code forwardedFor}; the edge must decide on {@code client}. */
    Fixture viaProxy(String forwardedFor, String client) {
        this.peer = HostileCorpus.TRUSTED_PROXY;
        this.forwardedFor = forwardedFor;
        this.client = client;
        return this;
    }

    /** Sent by a client connecting directly (a fresh loopback address the edge does not trust). */
    Fixture direct() {
        this.peer = null;
        return this;
    }

    /** A request (ISO-8859-1 text; {@link #XFF} marks where the proxy's X-Forwarded-For goes). */
    Fixture send(String request) {
        requests.add(request);
        return this;
    }

    Fixture send(int times, String request) {
        for (int i = 0; i < times; i++) {
            requests.add(request);
        }
        return this;
    }

    Fixture expect(int status, Decision decision, String rule) {
        this.status = status;
        this.decision = decision;
        this.rule = rule;
        return this;
    }

    /**
     * Refused by Jetty before the edge could read its headers: the status, counted as unparsed, and no
     * event when it came through the trusted proxy (the client is unknown).
     */
    Fixture expectUnparsed(int status) {
        this.status = status;
        this.unparsed = true;
        this.unparsedEvent = peer == null;
        return this;
    }

    /** Refused by Jetty after it read the headers: the status, counted as unparsed, and an event for the client. */
    Fixture expectUnparsedWithEvent(int status) {
        expectUnparsed(status);
        this.unparsedEvent = true;
        return this;
    }

    Fixture forwardedAs(String target) {
        this.forwardedTarget = target;
        return this;
    }

    Fixture eventPath(String path) {
        this.eventPath = path;
        return this;
    }

    Fixture check(Check check) {
        checks.add(check);
        return this;
    }

    @Override
    public String toString() {
        return name;
    }
}
