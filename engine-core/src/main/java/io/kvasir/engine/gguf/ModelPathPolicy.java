package io.kvasir.engine.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Decides which model files may be opened: only regular files inside the configured model directories,
 * judged after every symbolic link and {@code ..} is resolved ({@link Path#toRealPath}), and before the
 * file is opened (a FIFO blocks whoever opens it; a device never ends).
 *
 * <p>A relative request is looked up in each directory in turn, the first that has it winning; an absolute
 * one must name a directory (as configured or as its real path) before the file system is even asked, so
 * that no request can probe what exists outside. Requests containing a {@code ..} element are refused
 * outright, even when they would stay inside.
 *
 * <p>Invariants: each directory is held as configured (absolute, normalised) and as its real path;
 * {@link #resolve} returns a real path strictly inside one of the real paths that was a regular file when
 * checked. A file replaced between this check and its
 * opening is outside what a path check can catch; the returned path contains no symbolic link, so only a
 * writer inside the model directories could do that.
 */
public final class ModelPathPolicy {

    private final List<Path> modelDirectories;
    private final List<Path> configuredDirectories;

    private ModelPathPolicy(List<Path> modelDirectories, List<Path> configuredDirectories) {
        this.modelDirectories = List.copyOf(modelDirectories);
        this.configuredDirectories = List.copyOf(configuredDirectories);
    }

    /** See {@link #of(Collection)}. */
    public static ModelPathPolicy of(Path... modelDirectories) {
        return of(Arrays.asList(modelDirectories));
    }

    /**
     * A policy over existing directories, resolved to their real paths now.
     *
     * @throws IllegalArgumentException naming the directory if one is missing or not a directory, or if none
     *         is given
     */
    public static ModelPathPolicy of(Collection<Path> modelDirectories) {
        if (modelDirectories.isEmpty()) {
            throw new IllegalArgumentException("modelDirectories: at least one model directory is needed");
        }
        List<Path> real = new ArrayList<>(modelDirectories.size());
        List<Path> configured = new ArrayList<>(modelDirectories.size());
        for (Path directory : modelDirectories) {
            configured.add(directory.toAbsolutePath().normalize());
            try {
                Path resolved = directory.toRealPath();
                if (!Files.isDirectory(resolved)) {
                    throw new IllegalArgumentException("modelDirectories: " + directory + " is not a directory");
                }
                real.add(resolved);
            } catch (IOException e) {
                throw new IllegalArgumentException("modelDirectories: " + directory + " cannot be resolved ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
            }
        }
        return new ModelPathPolicy(real, configured);
    }

    /** The model directories, as real paths. */
    public List<Path> modelDirectories() {
        return modelDirectories;
    }

    /**
     * The real path of the requested model file, checked but not opened.
     *
     * @param requested a path relative to the model directories, or an absolute path inside one of them
     * @throws ModelPathException if the request is refused (see the class comment)
     */
    public Path resolve(String requested) {
        if (requested == null || requested.isBlank()) {
            throw new ModelPathException(String.valueOf(requested), "no path given");
        }
        Path path;
        try {
            path = Path.of(requested);
        } catch (InvalidPathException e) {
            throw new ModelPathException(requested, "not a valid path (" + e.getReason() + ")");
        }
        for (Path element : path) {
            if (element.toString().equals("..")) {
                throw new ModelPathException(requested, "'..' is not allowed in model paths");
            }
        }
        if (path.isAbsolute() && !isUnderADirectory(path.normalize(), configuredDirectories)
                && !isUnderADirectory(path.normalize(), modelDirectories)) {
            throw new ModelPathException(requested, "lies outside the model directories");
        }
        Path real = realPathOf(requested, candidateFor(path));
        if (!isUnderADirectory(real, modelDirectories)) {
            throw new ModelPathException(requested, "resolves to a location outside the model directories");
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new ModelPathException(requested, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (attributes.isDirectory()) {
            throw new ModelPathException(requested, "is a directory, not a model file");
        }
        if (!attributes.isRegularFile()) {
            throw new ModelPathException(requested, "is not a regular file (a device, FIFO or socket)");
        }
        return real;
    }

    /** The absolute path to check: the request itself, or the first directory that has it. */
    private Path candidateFor(Path path) {
        if (path.isAbsolute()) {
            return path;
        }
        for (Path directory : modelDirectories) {
            Path candidate = directory.resolve(path);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return modelDirectories.getFirst().resolve(path);
    }

    private static Path realPathOf(String requested, Path candidate) {
        try {
            return candidate.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ModelPathException(requested, "not found in the model directories");
        } catch (IOException e) {
            throw new ModelPathException(requested, "cannot be resolved (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Whether the path is one of the directories or beneath one (a directory itself is refused later, as such). */
    private static boolean isUnderADirectory(Path path, List<Path> directories) {
        for (Path directory : directories) {
            if (path.startsWith(directory)) {
                return true;
            }
        }
        return false;
    }
}
