package io.kvasir.ops.eval;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;

/** Collects one request's token ids and its result. */
class Outcome implements GenerationListener {

    private static final long TIMEOUT_MINUTES = 30;

    final CompletableFuture<GenerationResult> done = new CompletableFuture<>();
    private int[] tokenIds = new int[16];
    private int numTokens;

    @Override
    public void onToken(TokenOutput token) {
        if (numTokens == tokenIds.length) {
            tokenIds = Arrays.copyOf(tokenIds, 2 * numTokens);
        }
        tokenIds[numTokens++] = token.tokenId();
    }

    @Override
    public void onComplete(GenerationResult result) {
        done.complete(result);
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    /** Waits for the end; a failed request or one that takes unreasonably long ends the workload. */
    GenerationResult await() throws InterruptedException {
        try {
            return done.get(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("a request did not finish within " + TIMEOUT_MINUTES + " minutes", e);
        }
    }

    /** The tokens received; read after {@link #done} completed. */
    int[] tokenIds() {
        return Arrays.copyOf(tokenIds, numTokens);
    }
}
