package io.iptracking.common.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The boundary rules can fail: a module whose packages form a cycle is refused, naming it. */
class BoundariesRulesTest {

    @Test
    void aPackageCycleFailsTheCheck() {
        assertThatThrownBy(() -> Boundaries.check("cyclicfixture", new ClassFileImporter().importPackages("io.iptracking.cyclicfixture")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the packages of io.iptracking.cyclicfixture are free of cycles")
                .hasMessageContaining("Cycle detected");
    }
}
