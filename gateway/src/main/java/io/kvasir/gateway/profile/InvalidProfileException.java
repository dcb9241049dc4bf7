package io.kvasir.gateway.profile;

import java.util.List;

/** A profile that cannot be applied; {@link #problems()} lists every problem found, not only the first. */
public final class InvalidProfileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<ProfileProblem> problems;

    public InvalidProfileException(List<ProfileProblem> problems) {
        super("invalid profile: " + String.join("; ", problems.stream().map(ProfileProblem::toString).toList()));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid profile has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<ProfileProblem> problems() {
        return problems;
    }
}
