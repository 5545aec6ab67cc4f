package io.invoicestreams.adapters.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a class of this module's tests in a JVM of its own, to be killed as a real process would be. */
public final class ChildJvm {

    private ChildJvm() {
    }

    public static Process start(Class<?> main, Path log, String... args) throws IOException {
        String classpath = String.join(File.pathSeparator,
                Path.of("target/test-classes").toAbsolutePath().toString(),
                Path.of("target/classes").toAbsolutePath().toString(),
                Files.readString(Path.of(System.getProperty("test.classpath.file", "target/test-classpath.txt"))).strip());
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-Daxoniq.update-checker.disabled=true",
                "-Ddisable-axoniq-console-message=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", classpath, main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
