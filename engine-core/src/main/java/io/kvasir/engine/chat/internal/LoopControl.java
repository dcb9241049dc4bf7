package io.kvasir.engine.chat.internal;

/**
 * {@code {% break %}} and {@code {% continue %}} leaving the rest of the loop body, however deeply the tag
 * is nested in it, as Python's statements do.
 *
 * <p>An {@link Error} on purpose: Jinjava wraps every {@code Exception} a tag throws into a template
 * error, and this must pass through those layers to the enclosing {@code for}. It carries no stack trace
 * and never escapes a loop (compilation rejects a break or continue outside one).
 */
final class LoopControl extends Error {

    private static final long serialVersionUID = 1L;

    static final LoopControl BREAK = new LoopControl("break");
    static final LoopControl CONTINUE = new LoopControl("continue");

    private LoopControl(String statement) {
        super(statement, null, false, false);
    }
}
