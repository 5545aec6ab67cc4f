package io.invoicestreams.domain.change;

import io.invoicestreams.domain.invoice.ChangeIdentity;
import java.util.Objects;

/**
 * One change of one table item, as the stream adapter saw it. Which images are present depends on the stream's
 * view type: KEYS_ONLY carries none, NEW_IMAGE only the new one, OLD_IMAGE only the old one, NEW_AND_OLD_IMAGES
 * both (an insert has no old image and a deletion no new one).
 *
 * @param identity the record's identity and time
 * @param kind     what happened to the item
 * @param keys     the item's key attributes, always present
 * @param oldImage the item before the change, or null
 * @param newImage the item after the change, or null
 */
public record ObservedChange(ChangeIdentity identity, Kind kind, ItemImage keys, ItemImage oldImage,
                             ItemImage newImage) {

    public ObservedChange {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(keys, "keys");
    }

    /** What happened to the item. */
    public enum Kind {
        /** The item was created (an INSERT). */
        CREATED,
        /** An existing item was overwritten (a MODIFY). */
        WRITTEN,
        /** The item was deleted by a caller. */
        DELETED,
        /** The item was deleted by the table's time to live. */
        EXPIRED
    }
}
