package io.kvasir.gateway.admission;

import io.kvasir.gateway.admission.Admission.Permit;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.MonoSink;

/** A request waiting for its tenant's concurrency slot, with the permit it receives when one frees. */
final class Waiter {

    final MonoSink<Permit> sink;
    final AdmissionPermit permit;
    private volatile @Nullable Disposable timeout;

    Waiter(MonoSink<Permit> sink, AdmissionPermit permit) {
        this.sink = sink;
        this.permit = permit;
    }

    void timeout(Disposable scheduled) {
        this.timeout = scheduled;
    }

    /** Hands the permit over; a subscriber that has gone away makes Reactor discard it, which releases it. */
    void grant() {
        Disposable scheduled = timeout;
        if (scheduled != null) {
            scheduled.dispose();
        }
        sink.success(permit);
    }
}
