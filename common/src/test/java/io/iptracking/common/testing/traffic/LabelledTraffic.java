package io.iptracking.common.testing.traffic;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Generated traffic with the truth about it.
 *
 * @param events every request, in timestamp order
 * @param actors who is behind each IP (an {@link Actor#IPV6_ROTATOR} is behind hundreds of them)
 */
public record LabelledTraffic(List<EnrichedRequestEvent> events, Map<ClientIp, Actor> actors) {

    public LabelledTraffic {
        events = List.copyOf(events);
        actors = Map.copyOf(actors);
    }

    public Set<ClientIp> ipsOf(Actor actor) {
        return actors.entrySet().stream().filter(e -> e.getValue() == actor).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /**
     * Who is behind each client network ({@link ClientNetwork#keyOf}: an IPv4 address, an IPv6 /64),
     * the unit detection counts and flags; an attacker where a network holds an attacker's address.
     */
    public Map<ClientIp, Actor> clients() {
        Map<ClientIp, Actor> clients = new HashMap<>();
        actors.forEach((ip, actor) -> clients.merge(ClientNetwork.keyOf(ip), actor, (a, b) -> a.isAttacker() ? a : b));
        return clients;
    }

    public Set<ClientIp> attackers() {
        return actors.entrySet().stream().filter(e -> e.getValue().isAttacker()).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    public Set<ClientIp> benign() {
        return actors.entrySet().stream().filter(e -> !e.getValue().isAttacker()).map(Map.Entry::getKey).collect(Collectors.toSet());
    }
}
