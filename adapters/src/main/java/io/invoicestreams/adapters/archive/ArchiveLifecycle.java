package io.invoicestreams.adapters.archive;

import java.util.List;

/** Applies the archive's retention to its store, or says what it would do. */
public interface ArchiveLifecycle {

    /**
     * @param dryRun only say what would change
     * @return what was done, or would be, as lines for an operator
     * @throws LifecycleException when the store refuses
     */
    Outcome apply(ArchiveRetention retention, boolean dryRun);

    /** @param applied whether the store was changed */
    record Outcome(boolean applied, List<String> lines) {
    }

    /** The store refused the lifecycle configuration, or could not be read; the message says why. */
    final class LifecycleException extends RuntimeException {
        public LifecycleException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
