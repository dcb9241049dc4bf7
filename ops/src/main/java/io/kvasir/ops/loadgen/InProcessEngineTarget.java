package io.kvasir.ops.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.TokenOutput;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineOverloadedException;
import io.kvasir.engine.loop.RequestHandle;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.tokenizer.Tokenizer;

/**
 * The engine-only side of an HTTP-overhead comparison: the same planned requests, turned into token ids the way
 * the gateway does (the model's chat template for chat, the tokenizer with BOS and special tokens for
 * completions), submitted to an {@link Engine} in this process and timed by the same {@link StreamRecorder} as
 * the HTTP side. Each token's text counts as one chunk, as the gateway streams one chunk per token.
 *
 * <p>Does not own the engine or the model: the caller closes them.
 */
final class InProcessEngineTarget implements Target {

    private final LoadedModel model;
    private final Engine engine;
    private final OpenAiHttpTarget.Endpoint endpoint;
    private final double temperature;
    private final AtomicLong nextId = new AtomicLong();

    InProcessEngineTarget(LoadedModel model, Engine engine, OpenAiHttpTarget.Endpoint endpoint, double temperature) {
        this.model = model;
        this.engine = engine;
        this.endpoint = endpoint;
        this.temperature = temperature;
    }

    @Override
    public String describe() {
        return "in-process:" + model.path().getFileName();
    }

    @Override
    public InFlight send(PlannedRequest request, TenantSpec tenant) {
        Request inFlight = new Request(new StreamRecorder(request.tenantIndex(), System.nanoTime()));
        try {
            SamplingParams sampling = SamplingParams.builder().temperature(temperature).maxTokens(request.maxTokens())
                    .ignoreEos(true).build();
            GenerationRequest generation = new GenerationRequest("loadgen-" + nextId.incrementAndGet(), tenant.name(),
                    promptTokens(request), sampling, 0);
            // OPEN before submitting: the loop thread may stream (and finish) before submit returns.
            inFlight.state = InFlight.State.OPEN;
            inFlight.handle = engine.submit(generation, inFlight);
        } catch (EngineOverloadedException e) {
            inFlight.fail("overloaded", e.getMessage());
        } catch (IllegalArgumentException e) {
            // InvalidRequestException included: the prompt or the sampling values do not fit the model.
            inFlight.fail("invalid_request", e.getMessage());
        }
        return inFlight;
    }

    /** The prompt's token ids as the gateway would compute them. */
    int[] promptTokens(PlannedRequest request) {
        if (endpoint == OpenAiHttpTarget.Endpoint.CHAT) {
            List<ChatMessage> messages = new ArrayList<>();
            if (request.systemPrompt() != null) {
                messages.add(ChatMessage.system(request.systemPrompt()));
            }
            messages.add(ChatMessage.user(request.prompt()));
            return model.encodeChat(messages);
        }
        Tokenizer tokenizer = model.tokenizer();
        String text = request.systemPrompt() == null ? request.prompt() : request.systemPrompt() + "\n\n" + request.prompt();
        return tokenizer.encode(text, tokenizer.addBosByDefault(), true);
    }

    @Override
    public void close() {
        // The engine and the model belong to the caller.
    }

    /** One engine request; the engine calls its listener methods on its loop thread. */
    private static final class Request implements InFlight, GenerationListener {
        private final CompletableFuture<RequestRecord> result = new CompletableFuture<>();
        private final StreamRecorder recorder;
        private volatile State state = State.SENT;
        private volatile RequestHandle handle;

        Request(StreamRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public void onToken(TokenOutput token) {
            recorder.onText(System.nanoTime(), token.text());
            if (state == State.OPEN && !token.text().isEmpty()) {
                advance(State.OPEN, State.STREAMING);
            }
        }

        @Override
        public void onComplete(GenerationResult r) {
            long now = System.nanoTime();
            recorder.onUsage(r.numPromptTokens(), r.numCachedPromptTokens(), r.numGeneratedTokens());
            recorder.onFinishReason(r.finishReason().name().toLowerCase(java.util.Locale.ROOT));
            end(r.error() == null ? recorder.succeeded(now) : recorder.failed(now, "engine_error", r.error()));
        }

        @Override
        public void onError(Throwable error) {
            fail("engine_error", String.valueOf(error));
        }

        void fail(String outcome, String message) {
            end(recorder.failed(System.nanoTime(), outcome, message));
        }

        /** ENDED is visible before the completion, so whoever joins it sees the final state. */
        private void end(RequestRecord record) {
            synchronized (this) {
                state = State.ENDED;
            }
            result.complete(record);
        }

        private synchronized void advance(State from, State to) {
            if (state == from) {
                state = to;
            }
        }

        @Override
        public State state() {
            return state;
        }

        @Override
        public int numHeartbeats() {
            return 0;
        }

        @Override
        public CompletableFuture<RequestRecord> completion() {
            return result;
        }

        @Override
        public void cancel() {
            RequestHandle h = handle;
            if (h != null) {
                h.cancel();
            }
            fail("cancelled", "cancelled by the load generator");
        }
    }
}
