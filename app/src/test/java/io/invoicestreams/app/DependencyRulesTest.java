package io.invoicestreams.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Dependencies point inward (STYLE.md 1 and 2); the Maven enforcer checks the same at the artifact level. */
@AnalyzeClasses(packages = "io.invoicestreams", importOptions = {ImportOption.DoNotIncludeTests.class,
        DependencyRulesTest.DoNotIncludeTestJars.class})
class DependencyRulesTest {

    @ArchTest
    static final ArchRule domain_uses_no_framework_storage_or_serialisation = noClasses()
            .that().resideInAPackage("io.invoicestreams.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "software.amazon..",
                    "com.fasterxml..", "java.sql..", "javax.sql..", "io.invoicestreams.projections..",
                    "io.invoicestreams.adapters..", "io.invoicestreams.app..");

    @ArchTest
    static final ArchRule domain_never_reads_the_clock_or_random_ids = noClasses()
            .that().resideInAPackage("io.invoicestreams.domain..")
            .should().callMethod(java.time.Instant.class, "now")
            .orShould().callMethod(java.util.UUID.class, "randomUUID")
            .orShould().callMethod(System.class, "currentTimeMillis");

    @ArchTest
    static final ArchRule projections_talk_to_no_network = noClasses()
            .that().resideInAPackage("io.invoicestreams.projections..")
            .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "software.amazon..", "java.sql..",
                    "org.apache.lucene..", "org.opensearch..", "io.invoicestreams.adapters..",
                    "io.invoicestreams.app..");

    @ArchTest
    static final ArchRule adapters_know_nothing_of_the_app_or_quarkus = noClasses()
            .that().resideInAPackage("io.invoicestreams.adapters..")
            .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.invoicestreams.app..");

    @ArchTest
    static final ArchRule nothing_below_the_app_names_quarkus_or_reads_configuration = noClasses()
            .that().resideOutsideOfPackage("io.invoicestreams.app..")
            .and().resideInAPackage("io.invoicestreams..")
            .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.smallrye.config..",
                    "org.eclipse.microprofile.config..");

    @ArchTest
    static final ArchRule adapter_packages_are_free_of_cycles = slices()
            .matching("io.invoicestreams.adapters.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule read_models_do_not_depend_on_each_other = slices()
            .matching("io.invoicestreams.projections.(*)..").should().notDependOnEachOther();

    private static final java.util.Set<String> READ_MODEL_FEATURES = java.util.Set.of("totals", "countryverification",
            "audit", "search", "notifications");

    /** The app's read-model features (the sub-packages named after them) do not depend on each other either. */
    @ArchTest
    static final ArchRule read_model_features_do_not_depend_on_each_other = slices()
            .matching("io.invoicestreams.app.(*)..")
            .that(containIn(READ_MODEL_FEATURES))
            .should().notDependOnEachOther();

    private static com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.library.dependencies.Slice>
            containIn(java.util.Set<String> names) {
        return com.tngtech.archunit.base.DescribedPredicate.describe("are read-model features " + names,
                slice -> names.contains(slice.getNamePart(1)));
    }

    /** The other modules' test jars (fixtures, support, ITs) are on this classpath too; the rules are about main code. */
    static final class DoNotIncludeTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("/test-classes/") && !location.matches(java.util.regex.Pattern.compile(".*-tests\\.jar.*"));
        }
    }
}
