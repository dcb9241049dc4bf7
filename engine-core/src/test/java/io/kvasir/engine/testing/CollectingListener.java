package io.kvasir.engine.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;

/** Collects a request's tokens and text; {@link #await()} waits for its end. Shared with the modules above. */
public class CollectingListener implements GenerationListener {

    public final CompletableFuture<GenerationResult> done = new CompletableFuture<>();
    public final CompletableFuture<Void> firstToken = new CompletableFuture<>();
    public final List<Integer> tokens = new ArrayList<>();
    public final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void onToken(TokenOutput token) {
        tokens.add(token.tokenId());
        text.append(token.text());
        firstToken.complete(null);
    }

    @Override
    public void onComplete(GenerationResult result) {
        done.complete(result);
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    public GenerationResult await() throws Exception {
        return done.get(120, TimeUnit.SECONDS);
    }

    public synchronized int[] tokenIds() {
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }
}
