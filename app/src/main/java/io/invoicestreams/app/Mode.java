package io.invoicestreams.app;

/** What a command needs running in its process; the features start their parts according to it. */
public enum Mode {
    /** Follow the stream: the source, the event store, every read model and the timers (serve, demo). */
    SERVE,
    /** The event store and the read models, but no source: the stream stays with the running service. */
    REPLAY,
    /** Neither the store nor DynamoDB: the command reads the audit archive only. */
    OFFLINE;

    /** True when the event store and the read models run in this process. */
    public boolean runsStore() {
        return this != OFFLINE;
    }
}
