package io.kvasir.gateway.server;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The gateway's shutdown state (RELIABILITY.md item 25). While {@link #isDraining()} new API requests are
 * refused with 503; generations already running go on until they finish or until {@link #cutInFlight()} ends
 * them at the end of the grace period. {@link DrainLifecycle} drives it on shutdown.
 *
 * <p>Invariant: {@link #numInFlight()} counts exactly the {@link #track tracked} generations that have been
 * subscribed and have not terminated or been cancelled.
 */
@Component
public class Drain {

    private final AtomicInteger numInFlight = new AtomicInteger();
    private volatile boolean draining;
    private volatile Sinks.Empty<Void> cut = Sinks.empty();

    /** Whether new requests are refused. */
    public boolean isDraining() {
        return draining;
    }

    /** Generations running now. */
    public int numInFlight() {
        return numInFlight.get();
    }

    /**
     * Counts a generation as in flight while subscribed, and completes it early (without error) when the
     * in-flight generations are cut; the caller tells a cut from a natural end by what it received.
     */
    public <T> Flux<T> track(Flux<T> generation) {
        Sinks.Empty<Void> current = cut;
        return generation.takeUntilOther(current.asMono())
                .doOnSubscribe(s -> numInFlight.incrementAndGet())
                .doFinally(signal -> numInFlight.decrementAndGet());
    }

    /** Starts refusing new requests. */
    public void startDraining() {
        draining = true;
    }

    /** Ends every generation still in flight (their streams end with a final event). */
    public void cutInFlight() {
        cut.tryEmitEmpty();
    }

    /** Serves again (after a drain that did not end in a shutdown, such as a lifecycle restart). */
    public void resume() {
        cut = Sinks.empty();
        draining = false;
    }
}
