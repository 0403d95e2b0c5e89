package io.iptracking.enrichment.geo;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A database in use, for health and metrics.
 *
 * @param role what it is used for
 * @param path the configured file
 * @param type its {@code database_type} ({@code GeoLite2-City}…)
 * @param buildTime when MaxMind built it (its metadata {@code build_epoch}): how fresh the data is
 * @param loadedAt when this instance started using it
 */
public record DatabaseInfo(DatabaseRole role, Path path, String type, Instant buildTime, Instant loadedAt) {
}
