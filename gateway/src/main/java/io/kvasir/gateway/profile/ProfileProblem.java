package io.kvasir.gateway.profile;

/**
 * One thing wrong with a profile.
 *
 * @param field where: {@code modelFile}, {@code blockSize}, {@code plugins.codec}, {@code plugins.eviction.config.window}
 * @param message what is wrong, and what would be right where that is known
 */
public record ProfileProblem(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
