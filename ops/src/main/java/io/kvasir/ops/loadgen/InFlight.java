package io.kvasir.ops.loadgen;

import java.util.concurrent.CompletableFuture;

/**
 * A request on its way: its state for observers (the idle-connection probe samples it), its completion, and a
 * way to abandon it. The completion never completes exceptionally: failures, timeouts and cancellations are
 * records with their outcome.
 */
interface InFlight {

    /** Where a request is. */
    enum State {
        /** Sent; no response headers yet (a gateway may hold them back until the request leaves its queue). */
        SENT,
        /** Response headers received (HTTP) or the request accepted (in-process); no text yet. */
        OPEN,
        /** Text is arriving. */
        STREAMING,
        /** Finished, failed or cancelled. */
        ENDED
    }

    State state();

    /** SSE comment lines (heartbeats) received so far. */
    int numHeartbeats();

    /** Completes with the request's record once it ends in any way. */
    CompletableFuture<RequestRecord> completion();

    /** Abandons the request (closing its connection); its record gets the outcome {@code cancelled}. */
    void cancel();
}
