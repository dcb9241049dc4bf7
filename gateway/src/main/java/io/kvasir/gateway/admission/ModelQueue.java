package io.kvasir.gateway.admission;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on one model's requests in the gateway, across tenants: those in flight and those waiting for a
 * tenant's slot. Invariant: {@code 0 <= size <= capacity}.
 */
final class ModelQueue {

    private final int capacity;
    private final AtomicInteger size = new AtomicInteger();

    ModelQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Takes a place; false when full. */
    boolean tryEnter() {
        while (true) {
            int current = size.get();
            if (current >= capacity) {
                return false;
            }
            if (size.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives a place back. */
    void leave() {
        int after = size.decrementAndGet();
        assert after >= 0 : "model queue left more often than entered";
    }

    int size() {
        return size.get();
    }

    int capacity() {
        return capacity;
    }
}
