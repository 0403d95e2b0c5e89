package io.iptracking.admin.webhooks;

import io.iptracking.admin.lists.ListChanges;
import io.iptracking.admin.lists.StoredEntry;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns what happened into webhook messages, in the transaction where it happened: a flag in the one
 * that stores it (so a flag redelivered by Kafka is told once), a block's start and end in the list
 * change's own. The payload is Standard Webhooks' envelope: {@code type}, {@code timestamp} and
 * {@code data}, the flag as {@code ip.flagged.v1} carries it or the block entry.
 */
public final class WebhookEvents implements ListChanges.Listener {

    private final Deliveries deliveries;

    public WebhookEvents(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    /** Flags stored for the first time; each message's id is its flag's, so a flag is queued once. */
    public void flagsRaised(List<FlaggedIp> flags, Instant now) {
        List<Deliveries.Event> events = new ArrayList<>(flags.size());
        for (FlaggedIp flag : flags) {
            ObjectNode data = Json.mapper().valueToTree(flag);
            events.add(new Deliveries.Event(EventType.FLAG_RAISED, flag.flagId(), envelope(EventType.FLAG_RAISED, now, data)));
        }
        deliveries.enqueue(events, now);
    }

    @Override
    public void created(StoredEntry entry, Instant now) {
        if (entry.entry().action() == ListAction.BLOCK) {
            deliveries.enqueue(List.of(new Deliveries.Event(EventType.BLOCK_ADDED, null,
                    envelope(EventType.BLOCK_ADDED, now, entryData(entry)))), now);
        }
    }

    @Override
    public void ended(StoredEntry entry, Ending ending, String actor, Instant now) {
        if (entry.entry().action() == ListAction.BLOCK) {
            ObjectNode data = entryData(entry);
            data.put("removal", ending == Ending.REMOVED ? "unblocked" : "expired");
            data.put("removedAt", now.toString());
            data.put("removedBy", actor);
            deliveries.enqueue(List.of(new Deliveries.Event(EventType.BLOCK_REMOVED, null, envelope(EventType.BLOCK_REMOVED, now, data))),
                    now);
        }
    }

    private static ObjectNode entryData(StoredEntry stored) {
        ObjectNode data = Json.mapper().createObjectNode();
        data.put("entryId", stored.id());
        data.put("cidr", stored.entry().cidr().toString());
        data.put("reason", stored.entry().reason());
        data.put("source", stored.entry().source().name());
        data.put("createdBy", stored.entry().createdBy());
        data.put("createdAt", stored.entry().createdAt().toString());
        if (stored.entry().expiresAt() == null) {
            data.putNull("expiresAt");
        } else {
            data.put("expiresAt", stored.entry().expiresAt().toString());
        }
        return data;
    }

    private static String envelope(EventType type, Instant now, ObjectNode data) {
        ObjectNode payload = Json.mapper().createObjectNode();
        payload.put("type", type.wireName());
        payload.put("timestamp", now.toString());
        payload.set("data", data);
        return Json.mapper().writeValueAsString(payload);
    }
}
