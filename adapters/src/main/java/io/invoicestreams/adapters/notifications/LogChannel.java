package io.invoicestreams.adapters.notifications;

import java.lang.System.Logger.Level;

/**
 * Writes the message to the log at WARNING, for a laptop without queues. The body is logged; the channels that use
 * it (alerts) carry no amounts or documents.
 */
public final class LogChannel implements MessageChannel {

    private static final System.Logger LOG = System.getLogger(LogChannel.class.getName());

    private final String name;

    public LogChannel(String name) {
        this.name = name;
    }

    @Override
    public void send(OutboundMessage message) {
        LOG.log(Level.WARNING, "{0}: {1} (event {2})", name, message.body(), message.deduplicationId());
    }

    @Override
    public String describe() {
        return "the log (" + name + ")";
    }
}
