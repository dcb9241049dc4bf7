package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.util.ForLoop;
import java.util.Collections;

/**
 * The {@code loop} variable of a chat template's for loop: Jinjava's {@link ForLoop}, which drives the iteration and
 * receives {@code break}/{@code continue}, plus Jinja2's {@code loop.previtem} and {@code loop.nextitem} (null, so
 * undefined, at the ends), and whether the current iteration was interrupted, so nested blocks can stop there.
 */
public final class PyLoop extends ForLoop {
    private final ForLoop loop;
    private Object previtem;
    private Object nextitem;
    private boolean broken;
    private boolean continued;

    PyLoop(ForLoop loop) {
        super(Collections.emptyIterator(), loop.getLength());
        this.loop = loop;
    }

    /** Starts an iteration: its neighbours, and no {@code continue} yet. */
    void startIteration(Object previtem, Object nextitem) {
        this.previtem = previtem;
        this.nextitem = nextitem;
        continued = false;
    }

    /** Whether the innermost loop around the interpreter's position took a {@code break} or {@code continue}. */
    static boolean isInterrupted(JinjavaInterpreter interpreter) {
        return interpreter.getContext().get(ForTag.LOOP) instanceof PyLoop loop && (loop.broken || loop.continued);
    }

    /** The item of the previous iteration, or null in the first. */
    public Object getPrevitem() {
        return previtem;
    }

    /** The item of the next iteration, or null in the last. */
    public Object getNextitem() {
        return nextitem;
    }

    @Override
    public Object next() {
        return loop.next();
    }

    @Override
    public boolean hasNext() {
        return loop.hasNext();
    }

    @Override
    public int getIndex() {
        return loop.getIndex();
    }

    @Override
    public int getIndex0() {
        return loop.getIndex0();
    }

    @Override
    public int getDepth() {
        return loop.getDepth();
    }

    @Override
    public int getDepth0() {
        return loop.getDepth0();
    }

    @Override
    public int getCounter() {
        return loop.getCounter();
    }

    @Override
    public int getRevindex() {
        return loop.getRevindex();
    }

    @Override
    public int getRevindex0() {
        return loop.getRevindex0();
    }

    @Override
    public int getRevcounter() {
        return loop.getRevcounter();
    }

    @Override
    public int getLength() {
        return loop.getLength();
    }

    @Override
    public boolean isFirst() {
        return loop.isFirst();
    }

    @Override
    public boolean isLast() {
        return loop.isLast();
    }

    @Override
    public boolean isContinued() {
        return loop.isContinued();
    }

    @Override
    public void doContinue() {
        continued = true;
        loop.doContinue();
    }

    @Override
    public void doBreak() {
        broken = true;
        loop.doBreak();
    }

    @Override
    public Object cycle(Object... items) {
        return loop.cycle(items);
    }

    @Override
    public void remove() {
        loop.remove();
    }

    @Override
    public String toString() {
        return loop.toString();
    }
}
