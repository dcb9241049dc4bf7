/**
 * Choosing tokens and turning them into text: {@link io.kvasir.engine.sample.Sampler} (penalties, top-k,
 * top-p, min-p, temperature, seeded draw, log-probabilities), {@link io.kvasir.engine.sample.StreamingDetokenizer}
 * (token bytes to text at UTF-8 boundaries), {@link io.kvasir.engine.sample.StopStringMatcher} (holds back
 * text that may start a stop string) and {@link io.kvasir.engine.sample.GenerationLimits} (when to finish).
 *
 * <p>Each object belongs to one sequence and is not thread-safe.
 */
package io.kvasir.engine.sample;
