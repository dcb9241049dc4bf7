package io.kvasir.engine.plugin;

/**
 * Thrown into a thread that a {@link PluginWatchdog} gave up on, should it ever leave the section it was
 * stuck in: the engine has already failed its requests and moved on, so the thread must unwind without
 * touching anything. An {@link Error}, so that call sites catching {@link RuntimeException} let it pass.
 */
public final class AbandonedThreadError extends Error {

    private static final long serialVersionUID = 1L;

    AbandonedThreadError(String message) {
        super(message);
    }
}
