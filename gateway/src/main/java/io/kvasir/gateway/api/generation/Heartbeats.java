package io.kvasir.gateway.api.generation;

import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Inserts heartbeat elements into a stream that has been quiet for an interval (RELIABILITY.md item 20: SSE
 * comments keep proxies from cutting idle streams). Heartbeats start only after a {@code start} marker, which
 * is itself not passed on: until then the stream has sent nothing, so a failure can still get its own HTTP
 * status (item 13).
 *
 * <p>Each element passed on restarts the quiet interval; heartbeats are dropped, never buffered, when the
 * consumer is not ready for them.
 */
public final class Heartbeats {

    private Heartbeats() {
    }

    /**
     * @param source the elements, including one {@code start} marker (compared by identity)
     * @param start the marker after which heartbeats may be sent
     * @param heartbeat the element to insert
     */
    public static <T> Flux<T> insert(Flux<T> source, T start, T heartbeat, Duration interval, Scheduler timer) {
        return source.publish(shared -> {
            Sinks.Empty<Void> ended = Sinks.empty();
            Flux<T> visible = shared.filter(e -> e != start).doFinally(signal -> ended.tryEmitEmpty());
            // a failure reaches the client through the visible branch; the heartbeat branch just ends, so the one
            // failure is not signalled to the merge twice (the second would be dropped and logged as an error)
            Flux<T> beats = shared.skipUntil(e -> e == start).onErrorComplete()
                    .switchMap(e -> Flux.interval(interval, interval, timer)
                            .onBackpressureDrop()
                            .map(i -> heartbeat)
                            .takeUntilOther(ended.asMono()));
            return Flux.merge(visible, beats);
        });
    }
}
