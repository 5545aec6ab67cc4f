package io.invoicestreams.app;

import org.jboss.logging.Logger;

/** Closes a part on disposal, logging instead of throwing, so one failing close does not stop the others. */
public final class Closing {

    private static final Logger LOG = Logger.getLogger(Closing.class);

    private Closing() {
    }

    public static void close(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warnf("Closing %s failed: %s", closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
