package io.kvasir.springai;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Flux;

/** A backend that answers every request with the same chunks and keeps the requests it was given. */
final class RecordingBackend implements KvasirChatBackend {

    final List<KvasirChatRequest> requests = new ArrayList<>();
    private final List<KvasirChatChunk> reply;

    RecordingBackend(List<KvasirChatChunk> reply) {
        this.reply = reply;
    }

    @Override
    public @Nullable String defaultModel() {
        return "backend-model";
    }

    @Override
    public Flux<KvasirChatChunk> stream(KvasirChatRequest request) {
        return Flux.defer(() -> {
            requests.add(request);
            return Flux.fromIterable(reply);
        });
    }
}
