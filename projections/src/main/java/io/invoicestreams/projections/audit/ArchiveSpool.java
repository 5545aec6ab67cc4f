package io.invoicestreams.projections.audit;

/**
 * Where archive lines wait, durably, until they are written out as an object. The projection appends in the same
 * transaction as its token, so an event the token has passed is always either in the spool or in the archive.
 */
public interface ArchiveSpool {

    /** Keeps the line until it is archived; a line whose position is already spooled is ignored. */
    void append(ArchiveRecord record);
}
