package io.invoicestreams.projections.notifications;

import java.util.ArrayList;
import java.util.List;

/** Keeps what was published, in order; fails on demand. */
public final class RecordingNotifications implements Notifications {

    public final List<ZeroAmountAlert> alerts = new ArrayList<>();
    public final List<PaymentRequest> payments = new ArrayList<>();
    private RuntimeException failure;

    /** Every later publish throws this, until {@code failWith(null)}. */
    public RecordingNotifications failWith(RuntimeException failure) {
        this.failure = failure;
        return this;
    }

    @Override
    public void alert(ZeroAmountAlert alert) {
        check();
        alerts.add(alert);
    }

    @Override
    public void requestPayment(PaymentRequest request) {
        check();
        payments.add(request);
    }

    private void check() {
        if (failure != null) {
            throw failure;
        }
    }
}
