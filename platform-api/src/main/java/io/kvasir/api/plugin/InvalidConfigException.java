package io.kvasir.api.plugin;

import java.util.List;

/** Configuration values that do not fit a plugin's schema; {@link #problems()} lists each one. */
public final class InvalidConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
