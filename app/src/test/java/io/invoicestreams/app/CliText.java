package io.invoicestreams.app;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The package-private texts and checks of the command line, for tests in other packages. */
public final class CliText {

    private CliText() {
    }

    public static String usage() {
        return Main.USAGE;
    }

    public static String rebuildUsage() {
        return RebuildCommand.USAGE;
    }

    public static String dlqUsage() {
        return DlqCommand.USAGE;
    }

    /** {@link Main#check}, with its output thrown away. */
    public static int check(String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return Main.check(args, sink, sink);
    }

    /** Every class that a {@code @RegisterForReflection} in the app names, wherever the annotation sits. */
    public static java.util.Set<Class<?>> nativeReflectionTargets() {
        java.util.Set<Class<?>> targets = new java.util.HashSet<>();
        for (var type : new com.tngtech.archunit.core.importer.ClassFileImporter()
                .withImportOption(com.tngtech.archunit.core.importer.ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.invoicestreams.app")) {
            RegisterForReflection registered = type.reflect().getAnnotation(RegisterForReflection.class);
            if (registered != null) {
                targets.addAll(List.of(registered.targets()));
            }
        }
        return targets;
    }
}
