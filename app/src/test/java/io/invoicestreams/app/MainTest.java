package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int check(String... args) {
        return Main.check(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void no_argument_and_known_commands_start_the_service() {
        assertThat(check()).isEqualTo(-1);
        assertThat(check("serve")).isEqualTo(-1);
        assertThat(check("demo")).isEqualTo(-1);
        assertThat(out.size() + err.size()).isZero();
    }

    @Test
    void help_prints_usage_and_exits_0() {
        assertThat(check("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: invoice-streams [COMMAND]")
                .contains("serve").contains("demo");
    }

    @Test
    void an_unknown_command_is_one_line_on_stderr_and_exit_2() {
        assertThat(check("rebuld")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("invoice-streams: unknown command 'rebuld'; commands are serve and demo (see --help)"
                        + System.lineSeparator());
        assertThat(out.size()).isZero();
    }

    @Test
    void extra_arguments_are_refused_with_exit_2() {
        assertThat(check("demo", "now")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected one command, got 2 arguments");
    }
}
