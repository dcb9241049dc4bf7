package io.kvasir.engine.loop;

import io.kvasir.engine.sched.Request;

/** A submitted request, to cancel it. */
public final class RequestHandle {

    private final Engine engine;
    private final Request request;

    RequestHandle(Engine engine, Request request) {
        this.engine = engine;
        this.request = request;
    }

    public String requestId() {
        return request.requestId();
    }

    /** Stops the request at the engine's next step; its blocks return to the pool in that step. Idempotent. */
    public void cancel() {
        engine.cancel(request);
    }
}
