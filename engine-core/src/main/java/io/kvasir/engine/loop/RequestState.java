package io.kvasir.engine.loop;

import org.jspecify.annotations.Nullable;

/**
 * What the loop keeps per request: the eviction it runs under, fixed at its first step so that a live change of
 * eviction never mixes two policies in one request's cache, the recent-window attention that eviction's policy may
 * ask for, and its decoder, created at its first sample.
 * Owned by the loop thread.
 */
final class RequestState {

    /** The eviction this request runs under from its first step to its end; null: none. */
    final @Nullable SequenceEvictor evictor;
    /** The attention of the request's last queries, when its eviction asks for the recent window; null otherwise. */
    final @Nullable RecentQueryAttention recentAttention;
    @Nullable RequestDecoder decoder;

    RequestState(@Nullable SequenceEvictor evictor) {
        this.evictor = evictor;
        this.recentAttention = evictor == null ? null : evictor.newRecentQueryAttention();
    }
}
