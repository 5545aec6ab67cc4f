package io.invoicestreams.app.readmodel;

import io.invoicestreams.projections.audit.AuditArchiveProjection;
import io.invoicestreams.projections.countryverification.CountryVerificationProjection;
import io.invoicestreams.projections.notifications.NotificationsProjection;
import io.invoicestreams.projections.search.SearchProjection;
import io.invoicestreams.projections.totals.TotalsProjection;
import java.util.Arrays;
import java.util.List;

/**
 * The read models of the service: a new one is one constant here, plus its feature's package. The command line
 * needs the names before the container starts (to check {@code rebuild NAME} and print the help), so the
 * descriptions live here rather than in the container; each feature binds its constant to a handler
 * ({@link ReadModelBinding}), and {@code ReadModelsIT} fails when one is not bound or missing from a derived list.
 */
public enum ReadModels {
    TOTALS(new ReadModel(TotalsProjection.NAME, "InvoiceTotal: the running total per invoice and currency",
            TotalsProjection.class, true, false, true)),
    COUNTRY_VERIFICATION(new ReadModel(CountryVerificationProjection.NAME,
            "InvoiceAction: verified transactions per invoice and country", CountryVerificationProjection.class,
            true, false, true)),
    AUDIT_ARCHIVE(new ReadModel(AuditArchiveProjection.NAME,
            "every change, archived in hour folders (append-only: not rebuilt)", AuditArchiveProjection.class,
            false, true, true)),
    SEARCH(new ReadModel(SearchProjection.NAME, """
            the full-text index of InvoiceDoc: built as a new index beside the
            current one, which searches read until the new one is swapped in""", SearchProjection.class, true,
            false, true)),
    // Axon's default first token: the history already stored is a replay, which these handlers skip, so introducing
    // notifications into a running installation sends nothing for old invoices (ADR 0013).
    NOTIFICATIONS(new ReadModel(NotificationsProjection.NAME,
            "zero-amount alerts and payment messages (never replayed: not rebuilt)", NotificationsProjection.class,
            false, false, true));

    private final ReadModel model;

    ReadModels(ReadModel model) {
        this.model = model;
    }

    public ReadModel model() {
        return model;
    }

    /** Every read model. */
    public static List<ReadModel> all() {
        return Arrays.stream(values()).map(ReadModels::model).toList();
    }

    /** The names that {@code rebuild} takes, in the order {@code rebuild --all} rebuilds them. */
    public static List<String> rebuildable() {
        return all().stream().filter(ReadModel::rebuildable).map(ReadModel::name).toList();
    }

    /** The names of the processing groups that have a dead-letter queue. */
    public static List<String> withDeadLetters() {
        return all().stream().filter(ReadModel::deadLetters).map(ReadModel::name).toList();
    }

    /** The bindings in the order of this catalogue, which lists, messages and {@code rebuild --all} follow. */
    public static List<ReadModelBinding> inOrder(java.util.Collection<ReadModelBinding> bindings) {
        List<ReadModel> order = all();
        return bindings.stream().sorted(java.util.Comparator.comparingInt(b -> order.indexOf(b.model()))).toList();
    }
}
