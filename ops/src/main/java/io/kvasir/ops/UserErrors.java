package io.kvasir.ops;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns exceptions into the one-line messages the command line prints. */
final class UserErrors {

    private UserErrors() {
    }

    static String describe(Throwable e) {
        return switch (e) {
            case NoSuchFileException missing -> missing.getFile() + ": no such file";
            case AccessDeniedException denied -> denied.getFile() + ": permission denied";
            case OutOfMemoryError oom -> "out of memory: " + oom.getMessage() + " (raise -Xmx through KVASIR_JAVA_OPTS)";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }
}
