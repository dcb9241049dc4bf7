package io.kvasir.plugins.scheduling.internal;

import java.util.List;

/** The precondition every policy checks at the boundary. */
final class Waiting {

    private Waiting() {
    }

    static int requireNotEmpty(List<?> waiting) {
        int numWaiting = waiting.size();
        if (numWaiting == 0) {
            throw new IllegalArgumentException("waiting must not be empty");
        }
        return numWaiting;
    }
}
