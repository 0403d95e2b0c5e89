package io.iptracking.ingest.events;

import io.iptracking.common.event.RequestEvent;

/** Where the edge sends one event per request. Never blocks and never throws: traffic comes first. */
public interface EventPublisher {

    void publish(RequestEvent event);
}
