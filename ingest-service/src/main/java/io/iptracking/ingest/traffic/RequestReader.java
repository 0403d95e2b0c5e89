package io.iptracking.ingest.traffic;

import io.iptracking.common.ip.ClientIp;
import io.iptracking.ingest.edge.EdgeRequest;
import io.iptracking.ingest.edge.EventText;
import io.iptracking.ingest.edge.InvalidRequest;
import io.iptracking.ingest.edge.InvalidRequest.Reason;
import io.iptracking.ingest.edge.RequestTarget;
import io.iptracking.ingest.edge.RequestText;
import io.iptracking.ingest.ip.ClientIpResolver;
import io.iptracking.ingest.ip.EmbeddedIpv4;
import io.iptracking.ingest.ip.ForwardedHeader;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;

/**
 * Reads what the edge decides on from a request: the client IP, the method, the canonical target, the
 * host and the headers the rules read, each checked once, here. What cannot be read completely is
 * refused with an {@link InvalidRequest} before any rule sees it. In {@code CHECK} mode the original
 * request comes from the calling proxy's headers, which are read only when the caller is a trusted
 * proxy, and are checked like a request line.
 */
public final class RequestReader {

    private final ClientIpResolver resolver;
    private final String forwardedHeaderName;
    private final Set<EmbeddedIpv4> folded;
    private final int maxTargetLength;
    private final int maxHeaders;
    private final boolean anyCheckCaller;

    /**
     * @param folded the IPv6 forms of an IPv4 address folded to it
     * @param maxTargetLength longer targets are refused (414)
     * @param maxHeaders more header lines are refused (431)
     * @param anyCheckCaller whether a forward-auth check may come from a caller that is not a trusted proxy
     */
    public RequestReader(ClientIpResolver resolver, Set<EmbeddedIpv4> folded, int maxTargetLength, int maxHeaders,
            boolean anyCheckCaller) {
        this.resolver = resolver;
        this.forwardedHeaderName = resolver.header() == ForwardedHeader.FORWARDED ? "Forwarded" : "X-Forwarded-For";
        this.folded = Set.copyOf(folded);
        this.maxTargetLength = maxTargetLength;
        this.maxHeaders = maxHeaders;
        this.anyCheckCaller = anyCheckCaller;
    }

    /** Whether this peer may ask for a forward-auth decision. */
    boolean mayAsk(ClientIp peer) {
        return anyCheckCaller || resolver.isTrusted(peer);
    }

    /** The client's address as resolved from the peer and the chain trusted proxies wrote; not yet folded. */
    ClientIp clientAddress(Request request, ClientIp peer) {
        return resolver.resolve(peer, request.getHeaders().getValuesList(forwardedHeaderName));
    }

    ClientIpResolver resolver() {
        return resolver;
    }

    /**
     * @param flavour the forward-auth dialect in {@code CHECK} mode, else null
     * @param address the client's address from {@link #clientAddress}
     * @throws InvalidRequest if the request cannot be read completely
     */
    EdgeRequest read(Request request, CheckFlavour flavour, ClientIp address) {
        HttpFields headers = request.getHeaders();
        checkHeaderLines(headers);
        String method;
        String target;
        String host;
        if (flavour != null) {
            CheckFlavour.OriginalRequest original = flavour.read(request);
            if (original.method() == null || original.uri() == null) {
                throw new InvalidRequest(Reason.MISSING_CHECK_HEADER, "a check request without the original method or URI");
            }
            method = original.method();
            target = original.uri();
            host = original.host();
        } else {
            method = request.getMethod();
            if (HttpMethod.CONNECT.is(method)) {
                throw new InvalidRequest(Reason.METHOD_NOT_ALLOWED, "CONNECT");
            }
            target = request.getHttpURI().getPathQuery();
            host = headers.get(HttpHeader.HOST);
        }
        String checkedMethod = RequestText.method(method);
        RequestTarget canonical;
        if ("*".equals(target)) {
            if (!checkedMethod.equals("OPTIONS")) {
                throw new InvalidRequest(Reason.NOT_ORIGIN_FORM, "'*' is a target for OPTIONS only");
            }
            canonical = RequestTarget.ASTERISK;
        } else {
            canonical = RequestTarget.canonicalize(target, maxTargetLength);
        }
        return new EdgeRequest(EmbeddedIpv4.fold(address, folded), address, checkedMethod, RequestText.host(host), canonical,
                RequestText.headerValue(headers.get(HttpHeader.AUTHORIZATION)),
                RequestText.headerValue(headers.get(HttpHeader.USER_AGENT)));
    }

    /**
     * A request refused as invalid, as its event records it: the request's own method, path (without the
     * query), host and User-Agent, made printable and cut short. Nothing of an untrusted check caller's
     * headers is read.
     */
    EdgeRequest asSeen(Request request, CheckFlavour flavour, ClientIp address, Reason reason) {
        boolean readHeaders = reason != Reason.UNTRUSTED_CHECK_CALLER;
        String method = request.getMethod();
        String target = request.getHttpURI().getPathQuery();
        String host = readHeaders ? request.getHeaders().get(HttpHeader.HOST) : null;
        if (flavour != null && readHeaders) {
            CheckFlavour.OriginalRequest original = flavour.read(request);
            method = original.method() != null ? original.method() : method;
            target = original.uri() != null ? original.uri() : target;
            host = original.host();
        }
        String path = target == null ? "" : target.indexOf('?') >= 0 ? target.substring(0, target.indexOf('?')) : target;
        String printablePath = EventText.printable(path, RequestTarget.MAX_EVENT_PATH);
        String printableMethod = EventText.printable(method, RequestText.MAX_METHOD);
        return new EdgeRequest(EmbeddedIpv4.fold(address, folded), address,
                printableMethod == null || printableMethod.isEmpty() ? "-" : printableMethod,
                EventText.printable(host, RequestText.MAX_HOST),
                new RequestTarget(printablePath, null, printablePath), null,
                readHeaders ? EventText.printable(request.getHeaders().get(HttpHeader.USER_AGENT), RequestText.MAX_EVENT_USER_AGENT) : null);
    }

    /** At most {@code maxHeaders} lines, and one line of each header that the edge reads as a single value. */
    private void checkHeaderLines(HttpFields headers) {
        if (headers.size() > maxHeaders) {
            throw new InvalidRequest(Reason.TOO_MANY_HEADERS, headers.size() + " header lines");
        }
        int hosts = 0;
        int agents = 0;
        int authorizations = 0;
        for (HttpField field : headers) {
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.HOST) {
                hosts++;
            } else if (header == HttpHeader.USER_AGENT) {
                agents++;
            } else if (header == HttpHeader.AUTHORIZATION) {
                authorizations++;
            }
        }
        if (hosts > 1 || agents > 1 || authorizations > 1) {
            throw new InvalidRequest(Reason.DUPLICATE_HEADER, "Host, User-Agent or Authorization more than once");
        }
    }
}
