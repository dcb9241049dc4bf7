package io.kvasir.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Assumptions;

/**
 * Finds the reference files in the workplace's {@code shared/} folder (beside the repository root).
 *
 * <p>Outside the workplace the folder is missing: tests that need it skip with a message naming the
 * files. Under {@code CI=true} they must run, so a missing file fails the test instead.
 */
public final class SharedFiles {

    private SharedFiles() {
    }

    /** The shared folder: system property {@code kvasir.shared.dir}, else {@code ../shared} from the repo root. */
    public static Path root() {
        String configured = System.getProperty("kvasir.shared.dir");
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return (dir == null ? Paths.get("..") : dir.resolve("..")).resolve("shared").normalize();
    }

    /**
     * Resolves a file under shared/, skipping the test when it is absent (failing under CI=true).
     *
     * @param relative path inside shared/, for example {@code models/stories260K.gguf}
     */
    public static Path require(String relative) {
        Path file = root().resolve(relative);
        if (!Files.exists(file)) {
            String message = "needs shared/" + relative + " (the workplace's reference files beside the repository; "
                    + "see shared/README.md), not found at " + file;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return file;
    }
}
