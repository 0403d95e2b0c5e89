package io.iptracking.configuration;

import io.iptracking.common.testing.Boundaries;
import org.junit.jupiter.api.Test;

/** The boundaries of this module ({@link Boundaries}): no service, no package cycle. */
class BoundariesTest {

    @Test
    void theModuleKeepsItsBoundaries() {
        Boundaries.check("configuration");
    }
}
