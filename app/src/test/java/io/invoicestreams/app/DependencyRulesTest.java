package io.invoicestreams.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Dependencies point inward (STYLE.md 1 and 2); the Maven enforcer checks the same at the artifact level. */
@AnalyzeClasses(packages = "io.invoicestreams", importOptions = ImportOption.DoNotIncludeTests.class)
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
}
