package io.iptracking.detection.rules;

import io.iptracking.common.event.Severity;
import io.iptracking.detection.window.Kind;
import java.util.Map;

/**
 * What a rule found: enough for the {@link Detector} to build the flag.
 *
 * @param score the rule's score, comparable between flags of the same rule (1 at the threshold)
 * @param reason one human sentence
 * @param thresholds the thresholds the rule compared with, by evidence name
 * @param samples which kind of request the evidence quotes paths of
 */
public record Finding(Severity severity, double score, String reason, Map<String, Double> thresholds, Kind samples) {
}
