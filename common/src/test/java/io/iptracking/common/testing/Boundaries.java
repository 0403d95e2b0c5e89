package io.iptracking.common.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The boundaries every module keeps, checked on its main classes by its {@code BoundariesTest}:
 *
 * <ul>
 *   <li>no service depends on another service (they meet only through Kafka topics and their contracts);
 *   <li>{@code common} holds contracts and depends on no module and on no framework (Spring); the shared
 *       Kafka Streams setup ({@code streams}) and the reading of configuration ({@code configuration})
 *       depend on no service;
 *   <li>no cycle between the packages of a module, and no class below a module's root package depends on
 *       the class that starts the application: the parts do not know who wires them.
 * </ul>
 */
public final class Boundaries {

    /** The modules whose classes live under {@code io.iptracking.<module>}. */
    public static final List<String> SERVICES = List.of("ingest", "enrichment", "detection", "admin");

    private Boundaries() {
    }

    /** Checks the main classes of {@code io.iptracking.<module>}; throws an {@code AssertionError} naming every violation. */
    public static void check(String module) {
        check(module, new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.iptracking." + module));
    }

    static void check(String module, JavaClasses classes) {
        String root = "io.iptracking." + module;
        if (classes.isEmpty()) {
            throw new AssertionError("no main classes found under " + root);
        }
        for (ArchRule rule : rules(module)) {
            rule.check(classes);
        }
    }

    static List<ArchRule> rules(String module) {
        String root = "io.iptracking." + module;
        List<String> forbidden = new ArrayList<>();
        for (String other : SERVICES) {
            if (!other.equals(module)) {
                forbidden.add("io.iptracking." + other + "..");
            }
        }
        if (module.equals("common")) {
            forbidden.add("io.iptracking.streams..");
            forbidden.add("io.iptracking.configuration..");
        }
        List<ArchRule> rules = new ArrayList<>();
        rules.add(noClasses().that().resideInAPackage(root + "..").should().dependOnClassesThat()
                .resideInAnyPackage(forbidden.toArray(String[]::new))
                .as(root + " depends on no other module but common" + (module.equals("common") ? " (none at all)" : ""))
                .because("the services meet only through Kafka topics and the contracts in common"));
        if (module.equals("common")) {
            rules.add(noClasses().that().resideInAPackage(root + "..").should().dependOnClassesThat()
                    .resideInAnyPackage("org.springframework..")
                    .as("common depends on no framework")
                    .because("it holds the contracts every service reads, whatever wires it"));
        }
        rules.add(slices().matching(root + ".(*)..").should().beFreeOfCycles()
                .as("the packages of " + root + " are free of cycles").allowEmptyShould(true));
        rules.add(noClasses().that().resideInAPackage(root + "..").and().resideOutsideOfPackage(root).should().dependOnClassesThat()
                .areAnnotatedWith("org.springframework.boot.autoconfigure.SpringBootApplication")
                .as("no part of " + root + " depends on the class that starts the application")
                .allowEmptyShould(true));
        return rules;
    }
}
