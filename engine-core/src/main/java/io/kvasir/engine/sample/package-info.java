/**
 * Choosing tokens and turning them into text: {@link io.kvasir.engine.sample.Sampler} (penalties, top-k,
 * top-p, min-p, temperature, seeded draw, log-probabilities), {@link io.kvasir.engine.sample.StreamingDetokenizer}
 * (token bytes to text at UTF-8 boundaries), {@link io.kvasir.engine.sample.StopStringMatcher} (holds back
 * text that may start a stop string) and {@link io.kvasir.engine.sample.GenerationLimits} (when to finish).
 *
 * <p>One of each per sequence; none is thread-safe. Per generated token the engine loop does:
 * <pre>{@code
 * int token = sampler.sample(logits, rowOffset, vocabSize);
 * sampler.accept(token);
 * String text = stops.push(detokenizer.push(tokenizer.tokenBytes(token)));   // emit text
 * FinishReason reason = limits.check(token, ++numGenerated, stops.stopped());
 * if (reason != null && !stops.stopped()) {
 *     String tail = stops.push(detokenizer.flush()) + stops.flush();         // emit tail
 * }
 * }</pre>
 * The flushed bytes go through the stop matcher too, since a stop string may end in them. The engine adds
 * the reasons only it knows: a full context ({@code LENGTH}), cancellation and errors.
 */
package io.kvasir.engine.sample;
