package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules in {@code docs/ops} are valid Prometheus rules and fire as their unit tests say, by Prometheus's
 * own {@code promtool} (Debian's {@code prometheus} package, which {@code .ci/run} installs). The dashboard's and the
 * rules' metric names are checked against a real scrape in {@link BlackHoleIT}.
 */
class OpsRulesIT {

    private static final Path OPS = Path.of("..", "docs", "ops").toAbsolutePath().normalize();

    private static String promtool(String... args) throws Exception {
        var command = new java.util.ArrayList<String>();
        command.add("promtool");
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).directory(OPS.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
        assertThat(p.exitValue()).as("promtool " + String.join(" ", args) + ":\n" + output).isZero();
        return output;
    }

    @Test
    void the_alert_rules_are_valid_and_fire_as_their_tests_say() throws Exception {
        assertThat(OPS.resolve("alerts.yml")).exists();
        assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS: 9 rules found");
        assertThat(promtool("test", "rules", "alerts-test.yml")).contains("SUCCESS");
    }

    @Test
    void a_broken_expectation_fails_the_rule_tests() throws Exception {
        // The rule tests can fail: the same tests with one expected summary changed must not pass.
        Path broken = OPS.resolve("alerts-test-broken.yml");
        try {
            Files.writeString(broken, Files.readString(OPS.resolve("alerts-test.yml"))
                    .replace("is 8m 0s behind", "is 1m 0s behind"));
            Process p = new ProcessBuilder("promtool", "test", "rules", broken.getFileName().toString())
                    .directory(OPS.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isNotZero();
            assertThat(output).contains("FAILED");
        } finally {
            Files.deleteIfExists(broken);
        }
    }
}
