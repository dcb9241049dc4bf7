package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import io.kvasir.engine.chat.ChatTemplateException;

/**
 * Per-render bookkeeping: the first error the template raised and the work done so far.
 *
 * <p>Jinjava turns exceptions thrown while evaluating an expression into error entries and keeps rendering, so an
 * error raised by the template ({@code raise_exception}, an undefined operand) is recorded here and the caller throws
 * it once rendering returns. Only the first one counts, as in Jinja2, where rendering stops at the first; every step
 * charged after it fails at once, so the rest of the template unwinds without doing work.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code numSteps <= maxNumSteps} unless {@code failure != null}.
 *   <li>{@code failure} is written once, from null to the first message.
 * </ul>
 * Confined to the rendering thread.
 */
public final class RenderState {
    private final long maxNumSteps;
    private long numSteps;
    private String failure;

    /** A state allowing {@code maxNumSteps} node renders plus loop iterations. */
    public RenderState(long maxNumSteps) {
        if (maxNumSteps <= 0) {
            throw new IllegalArgumentException("maxNumSteps must be positive: " + maxNumSteps);
        }
        this.maxNumSteps = maxNumSteps;
    }

    /** The message of the first error raised during this render, or null. */
    public String failure() {
        return failure;
    }

    /** Counts one step (a node rendered or a loop iteration); fails the render past the budget or after an error. */
    public void charge() {
        charge(1);
    }

    /** Counts {@code numStepsTaken} steps; fails the render past the budget or after an error. */
    public void charge(int numStepsTaken) {
        assert numStepsTaken > 0 : numStepsTaken;
        if (failure != null) {
            throw new ChatTemplateException(failure);
        }
        numSteps += numStepsTaken;
        if (numSteps > maxNumSteps) {
            throw fail("chat template exceeded " + maxNumSteps + " steps (nodes rendered, loop iterations and calls)");
        }
    }

    /** Records {@code message} as this render's failure unless one was recorded, and returns the exception to throw. */
    public ChatTemplateException fail(String message) {
        if (failure == null) {
            failure = message;
        }
        return new ChatTemplateException(message);
    }

    /** The state of the render running on this thread, or null outside a render. */
    public static RenderState current() {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        return interpreter == null ? null : of(interpreter);
    }

    /** The state of the render {@code interpreter} runs, or null if it is not a chat template render. */
    public static RenderState of(JinjavaInterpreter interpreter) {
        return interpreter instanceof ChatInterpreter chat ? chat.state() : null;
    }

    /**
     * Records {@code message} as the current render's failure (unless one was already recorded) and returns the
     * exception to throw so the expression stops evaluating.
     */
    public static ChatTemplateException raise(String message) {
        RenderState state = current();
        return state == null ? new ChatTemplateException(message) : state.fail(message);
    }
}
