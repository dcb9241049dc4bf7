package io.kvasir.engine.sched;

/**
 * What one step runs: requests and how many new tokens each computes. Reused every step.
 *
 * <p>Invariant: the sum of {@code numNewTokens} never exceeds the scheduler's token budget.
 */
public final class ScheduledBatch {

    private final Request[] requests;
    private final int[] numNewTokens;
    private int size;
    private int numTokens;
    private int numPreempted;

    ScheduledBatch(int maxRequests) {
        requests = new Request[maxRequests];
        numNewTokens = new int[maxRequests];
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            requests[i] = null;
        }
        size = 0;
        numTokens = 0;
        numPreempted = 0;
    }

    void add(Request request, int numNew) {
        requests[size] = request;
        numNewTokens[size] = numNew;
        size++;
        numTokens += numNew;
    }

    void countPreemption() {
        numPreempted++;
    }

    /** Requests scheduled this step. */
    public int size() {
        return size;
    }

    public Request request(int i) {
        return requests[i];
    }

    public int numNewTokens(int i) {
        return numNewTokens[i];
    }

    /** Tokens computed this step over all requests. */
    public int numTokens() {
        return numTokens;
    }

    /** Requests preempted while scheduling this step. */
    public int numPreempted() {
        return numPreempted;
    }

    public boolean isEmpty() {
        return size == 0;
    }
}
