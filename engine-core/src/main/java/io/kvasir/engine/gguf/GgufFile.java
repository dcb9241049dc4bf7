package io.kvasir.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kvasir.engine.gguf.internal.GgufParser;

/**
 * A GGUF model file, memory-mapped once; tensors are zero-copy slices of the mapping.
 *
 * <p>Every count, length, offset, alignment and dimension is checked against the file before it is
 * used (see {@link GgufParser}); a malformed file gives a {@link GgufFormatException} naming the file
 * and the field, never an allocation larger than the file.
 *
 * <p>Lifetime: the mapping belongs to a shared {@link Arena} owned by this object; {@link #close()}
 * unmaps it, after which no tensor segment may be touched.
 */
public final class GgufFile implements AutoCloseable {

    /** The alignment of tensor data when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;

    /** The largest {@code general.alignment} accepted: larger values only waste space or hide an attack. */
    public static final int MAX_ALIGNMENT = 1 << 16;

    /** The largest tensor rank GGUF allows. */
    public static final int MAX_DIMS = 4;

    private final Path path;
    private final Arena arena;
    private final int version;
    private final long alignment;
    private final long dataOffset;
    private final GgufMetadata metadata;
    private final List<GgufTensor> tensors;
    private final Map<String, GgufTensor> tensorsByName;

    private GgufFile(Path path, Arena arena, GgufParser.Result parsed) {
        this.path = path;
        this.arena = arena;
        this.version = parsed.version();
        this.alignment = parsed.alignment();
        this.dataOffset = parsed.dataOffset();
        this.metadata = parsed.metadata();
        this.tensors = List.copyOf(parsed.tensors());
        LinkedHashMap<String, GgufTensor> byName = new LinkedHashMap<>();
        for (GgufTensor tensor : tensors) {
            byName.put(tensor.name(), tensor);
        }
        this.tensorsByName = Collections.unmodifiableMap(byName);
    }

    /**
     * Opens and validates a GGUF file.
     *
     * @throws GgufFormatException if the file is not a well-formed GGUF file
     * @throws IOException if it cannot be read (missing, a directory, unreadable)
     */
    public static GgufFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "model file not found");
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": not a regular file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment mapped = size == 0 ? MemorySegment.NULL.reinterpret(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            GgufParser.Result parsed = new GgufParser(path, mapped).parse();
            return new GgufFile(path, arena, parsed);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** The format version (2 or 3). */
    public int version() {
        return version;
    }

    /** The alignment of tensor data in bytes. */
    public long alignment() {
        return alignment;
    }

    /** The absolute offset where tensor data begins. */
    public long dataOffset() {
        return dataOffset;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** The tensors in file order. */
    public List<GgufTensor> tensors() {
        return tensors;
    }

    public Optional<GgufTensor> findTensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /**
     * The named tensor.
     *
     * @throws GgufFormatException naming the tensor when the file lacks it
     */
    public GgufTensor tensor(String name) {
        GgufTensor tensor = tensorsByName.get(name);
        if (tensor == null) {
            throw new GgufFormatException(path, name, "tensor missing");
        }
        return tensor;
    }

    /** Unmaps the file. Tensor segments must not be used afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
