package io.invoicestreams.app;

/**
 * The command this process runs, resolved once from the command line. Features read {@link #mode()} to know what
 * to start; nothing parses the arguments again.
 *
 * @param command the command; serve when the command line is empty (as in tests)
 */
public record Invocation(Command command) {

    public Mode mode() {
        return command.mode();
    }

    /**
     * Refuses a part that this command's mode does not run, so that an offline command reaching for it fails loudly
     * instead of starting it.
     *
     * @param what what the part does, as in "start DynamoDB"
     */
    public void requireStore(String what) {
        if (!mode().runsStore()) {
            throw new IllegalStateException("the " + command.word() + " command reads the archive only; it must not "
                    + what);
        }
    }
}
