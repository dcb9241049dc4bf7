package io.kvasir.gateway.server;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Drains the gateway on shutdown (SIGTERM; RELIABILITY.md item 25). It stops first, before the web server's own
 * graceful shutdown: readiness turns to refusing traffic and new API requests get 503; generations in flight
 * run on for up to {@code kvasir.server.drain-grace-period}; whatever still runs then is ended with a final event
 * (an error event and {@code [DONE]} on a stream, a 503 otherwise) and its engine requests are cancelled. Then the
 * web server's graceful shutdown closes the connections.
 */
@Component
public class DrainLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DrainLifecycle.class);
    private static final Duration POLL = Duration.ofMillis(20);
    /** How long the ended streams get to write their final event. */
    private static final Duration FINAL_EVENT_WAIT = Duration.ofSeconds(5);

    private final Drain drain;
    private final ServerLimitsProperties limits;
    private final ApplicationEventPublisher events;
    private volatile boolean running;

    public DrainLifecycle(Drain drain, ServerLimitsProperties limits, ApplicationEventPublisher events) {
        this.drain = drain;
        this.limits = limits;
        this.events = events;
    }

    @Override
    public void start() {
        if (drain.isDraining()) {
            drain.resume();
            AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
        }
        running = true;
    }

    @Override
    public void stop() {
        CountDownLatch done = new CountDownLatch(1);
        stop(done::countDown);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop(Runnable callback) {
        drain.startDraining();
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        log.info("draining: {} generations in flight, grace period {}", drain.numInFlight(), limits.drainGracePeriod());
        Thread.ofPlatform().name("kvasir-drain").daemon(true).start(() -> {
            try {
                if (!awaitIdle(limits.drainGracePeriod())) {
                    log.warn("grace period over: ending {} generations still in flight", drain.numInFlight());
                    drain.cutInFlight();
                    awaitIdle(FINAL_EVENT_WAIT);
                }
            } finally {
                running = false;
                callback.run();
            }
        });
    }

    private boolean awaitIdle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (drain.numInFlight() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server's graceful shutdown phase, so in-flight work drains while connections stay open. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
