package io.kvasir.engine.gguf;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * A GGUF file that cannot be trusted: bad magic, an unsupported version, a count, length, offset or
 * dimension that does not fit the file, a missing or mistyped metadata key. The message names the file
 * and the field at fault.
 */
public final class GgufFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final @Nullable Path file;
    private final String field;
    private final String problem;

    public GgufFormatException(@Nullable Path file, String field, String problem) {
        super((file == null ? "GGUF" : file.toString()) + ": " + field + ": " + problem);
        this.file = file;
        this.field = field;
        this.problem = problem;
    }

    /** The file, when known. */
    public @Nullable Path file() {
        return file;
    }

    /** What is wrong, without the file and field. */
    public String problem() {
        return problem;
    }

    /** The same problem attributed to {@code file} (for checks that ran on metadata alone). */
    public GgufFormatException inFile(Path file) {
        return new GgufFormatException(file, field, problem);
    }

    /** The header field, metadata key or tensor at fault. */
    public String field() {
        return field;
    }
}
