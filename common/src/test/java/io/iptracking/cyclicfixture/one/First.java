package io.iptracking.cyclicfixture.one;

import io.iptracking.cyclicfixture.two.Second;

/** Half of a package cycle, for {@code BoundariesRulesTest}. */
public final class First {
    public Second second() {
        return new Second();
    }
}
