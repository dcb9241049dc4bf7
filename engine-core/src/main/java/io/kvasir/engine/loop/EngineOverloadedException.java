package io.kvasir.engine.loop;

/** The engine's waiting queue is full; the caller should retry later (HTTP 429). */
public final class EngineOverloadedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EngineOverloadedException(String message) {
        super(message);
    }
}
