package io.invoicestreams.projections.audit;

/**
 * The archive's object store: a local directory by default, S3 in production. Keys are relative, with '/' between
 * parts, such as {@code Invoice/2026/11/24/10/invoice-events-00000000000000000001-00000000000000000007.json.gz}.
 */
public interface AuditArchive {

    /**
     * Stores the object under the key, replacing any object stored there before; returns once it is durable.
     *
     * @throws ArchiveWriteException when the store refuses or fails
     */
    void put(String key, byte[] content);

    /** Where the objects live, for messages: a folder or an s3:// URL. */
    String location();

    /** The store refused or failed to take an object. */
    final class ArchiveWriteException extends RuntimeException {
        public ArchiveWriteException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
