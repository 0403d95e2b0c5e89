package io.iptracking.cyclicfixture.two;

import io.iptracking.cyclicfixture.one.First;

/** The other half of a package cycle, for {@code BoundariesRulesTest}. */
public final class Second {
    public First first() {
        return new First();
    }
}
