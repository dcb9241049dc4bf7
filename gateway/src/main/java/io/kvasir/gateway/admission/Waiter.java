package io.kvasir.gateway.admission;

import io.kvasir.gateway.admission.Admission.Permit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.MonoSink;

/**
 * A request on its way through admission, with the permit it receives if admitted.
 *
 * <p>Invariant: its state moves once, from waiting to granted (it holds a slot) or to cancelled (its subscriber
 * went away or it waited too long), never both; whoever wins that move decides who gives back what it holds.
 */
final class Waiter {

    private static final int WAITING = 0;
    private static final int GRANTED = 1;
    private static final int CANCELLED = 2;

    final MonoSink<Permit> sink;
    final AdmissionPermit permit;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile @Nullable Disposable timeout;

    Waiter(MonoSink<Permit> sink, AdmissionPermit permit) {
        this.sink = sink;
        this.permit = permit;
    }

    /** Marks it granted; false when it was cancelled first. */
    boolean markGranted() {
        return state.compareAndSet(WAITING, GRANTED);
    }

    /** Marks it cancelled; false when it was granted first. */
    boolean markCancelled() {
        return state.compareAndSet(WAITING, CANCELLED);
    }

    boolean isCancelled() {
        return state.get() == CANCELLED;
    }

    void timeout(Disposable scheduled) {
        this.timeout = scheduled;
    }

    /**
     * Hands the permit over (after {@link #markGranted()}). A subscriber that went away in the meantime gets
     * nothing; its cancellation releases the permit instead.
     */
    void deliver() {
        Disposable scheduled = timeout;
        if (scheduled != null) {
            scheduled.dispose();
        }
        sink.success(permit);
    }
}
