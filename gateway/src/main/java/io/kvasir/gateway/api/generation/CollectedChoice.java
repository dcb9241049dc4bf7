package io.kvasir.gateway.api.generation;

import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import io.kvasir.gateway.api.json.Unicode;
import io.kvasir.gateway.engine.GenerationEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One choice of a non-streaming response, gathered from its events: the whole text (lone surrogates repaired to
 * U+FFFD, so serialization cannot fail), the tokens when log-probabilities were asked for, and the engine's
 * result.
 */
public record CollectedChoice(int index, String text, List<TokenOutput> tokens, GenerationResult result) {

    public CollectedChoice {
        tokens = List.copyOf(tokens);
    }

    /** Every choice of a run once all have finished, in index order. */
    public static Mono<List<CollectedChoice>> collect(Flux<ChoiceEvent> events, int numChoices, boolean keepTokens) {
        return events.collect(() -> new Builder[numChoices], (builders, e) -> {
            Builder b = builders[e.index()];
            if (b == null) {
                b = builders[e.index()] = new Builder(e.index());
            }
            switch (e.event()) {
                case GenerationEvent.Token(TokenOutput token) -> {
                    b.text.append(token.text());
                    if (keepTokens) {
                        b.tokens.add(token);
                    }
                }
                case GenerationEvent.Finished(GenerationResult result) -> b.result = result;
                case GenerationEvent.Queued queued -> {
                }
            }
        }).map(builders -> {
            List<CollectedChoice> choices = new ArrayList<>(numChoices);
            for (Builder b : builders) {
                if (b == null || b.result == null) {
                    throw new IllegalStateException("a choice ended without its result");
                }
                choices.add(new CollectedChoice(b.index, Unicode.repairLoneSurrogates(b.text.toString()), b.tokens, b.result));
            }
            choices.sort(Comparator.comparingInt(CollectedChoice::index));
            return choices;
        });
    }

    private static final class Builder {
        final int index;
        final StringBuilder text = new StringBuilder();
        final List<TokenOutput> tokens = new ArrayList<>();
        GenerationResult result;

        Builder(int index) {
            this.index = index;
        }
    }
}
