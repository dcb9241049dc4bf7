package io.kvasir.api;

import org.jspecify.annotations.Nullable;

/**
 * One generated token as it streams out.
 *
 * @param tokenId the token
 * @param text the text this token completes; empty while a multi-byte character or a possible stop
 *     string is still held back, and then released with a later token
 * @param logprob the token's log-probability, or NaN when not requested
 * @param topTokenIds the most likely alternatives (most likely first), or null when not requested
 * @param topLogprobs their log-probabilities, parallel to {@code topTokenIds}
 */
public record TokenOutput(int tokenId, String text, float logprob, int @Nullable [] topTokenIds,
        float @Nullable [] topLogprobs) {
}
