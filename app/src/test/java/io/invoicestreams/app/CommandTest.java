package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The command table: every command once, in the usage text, with what it needs running. */
class CommandTest {

    @Test
    void every_command_has_its_line_in_the_usage_text_and_is_found_by_its_word() {
        for (Command command : Command.values()) {
            assertThat(Main.USAGE).contains("  " + command.word());
            assertThat(Command.of(new String[]{command.word()})).contains(command);
        }
        assertThat(Command.of(new String[0])).contains(Command.SERVE);
        assertThat(Command.of(new String[]{"rebuld"})).isEmpty();
        assertThat(Command.words()).isEqualTo("serve, demo, rebuild, query, report, archive, dlq, parked and bootstrap");
    }

    @Test
    void each_command_runs_only_what_it_needs() {
        assertThat(List.of(Command.values())).filteredOn(c -> c.mode() == Mode.SERVE)
                .containsExactly(Command.SERVE, Command.DEMO);
        assertThat(List.of(Command.values())).filteredOn(c -> c.mode() == Mode.REPLAY)
                .containsExactly(Command.REBUILD, Command.DLQ, Command.PARKED, Command.BOOTSTRAP);
        assertThat(List.of(Command.values())).filteredOn(c -> c.mode() == Mode.OFFLINE)
                .containsExactly(Command.QUERY, Command.REPORT, Command.ARCHIVE);
    }

    @Test
    void an_offline_command_refuses_the_store_and_dynamodb_with_its_name() {
        new Invocation(Command.REBUILD).requireStore("open the event store");

        assertThatThrownBy(() -> new Invocation(Command.QUERY).requireStore("start DynamoDB"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the query command reads the archive only; it must not start DynamoDB");
    }

    @Test
    void commands_with_their_own_help_print_it() {
        for (Command command : Command.values()) {
            assertThat(command.asksForHelp(new String[]{command.word(), "--help"}))
                    .as(command.word()).isEqualTo(command.usage().isPresent());
        }
        assertThat(Command.ARCHIVE.asksForHelp(new String[]{"archive", "lifecycle", "--help"})).isTrue();
    }
}
