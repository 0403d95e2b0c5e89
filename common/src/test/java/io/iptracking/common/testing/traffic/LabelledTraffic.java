package io.iptracking.common.testing.traffic;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.ip.ClientIp;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Generated traffic with the truth about it.
 *
 * @param events every request, in timestamp order
 * @param actors who is behind each IP
 */
public record LabelledTraffic(List<EnrichedRequestEvent> events, Map<ClientIp, Actor> actors) {

    public LabelledTraffic {
        events = List.copyOf(events);
        actors = Map.copyOf(actors);
    }

    public Set<ClientIp> ipsOf(Actor actor) {
        return actors.entrySet().stream().filter(e -> e.getValue() == actor).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    public Set<ClientIp> attackers() {
        return actors.entrySet().stream().filter(e -> e.getValue().isAttacker()).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    public Set<ClientIp> benign() {
        return actors.entrySet().stream().filter(e -> !e.getValue().isAttacker()).map(Map.Entry::getKey).collect(Collectors.toSet());
    }
}
