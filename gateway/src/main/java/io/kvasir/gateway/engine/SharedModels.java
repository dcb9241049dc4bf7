package io.kvasir.gateway.engine;

import io.kvasir.engine.model.LoadedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Model files opened once and shared by every engine instance serving them: a new instance of a model whose
 * file is already mapped (another codec, say) takes a lease on the same {@link LoadedModel}, and the file is
 * unmapped when the last lease closes.
 *
 * <p>Invariants: a path is open exactly while it has at least one unclosed lease; each lease closes at most
 * once. Thread-safe.
 */
public final class SharedModels {

    private final Map<Path, Entry> open = new HashMap<>();

    /**
     * A lease on the model at {@code file}, opening it if no lease holds it.
     *
     * @param file a real path, already checked against the model directories
     * @throws IOException when the file cannot be read
     * @throws io.kvasir.engine.gguf.GgufFormatException when it is not a valid model
     */
    public synchronized Lease lease(Path file) throws IOException {
        Entry entry = open.get(file);
        if (entry == null) {
            entry = new Entry(file, LoadedModel.load(file));
            open.put(file, entry);
        }
        entry.numLeases++;
        return new Lease(entry);
    }

    /** Model files open now. */
    public synchronized int numOpen() {
        return open.size();
    }

    private synchronized void release(Entry entry) {
        entry.numLeases--;
        if (entry.numLeases == 0) {
            open.remove(entry.file);
            entry.model.close();
        }
    }

    private static final class Entry {
        final Path file;
        final LoadedModel model;
        int numLeases;

        Entry(Path file, LoadedModel model) {
            this.file = file;
            this.model = model;
        }
    }

    /** One holder's use of a shared model; closing it more than once has no further effect. */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public LoadedModel model() {
            return entry.model;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                release(entry);
            }
        }
    }
}
