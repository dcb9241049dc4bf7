package io.kvasir.plugins.tier.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.kvasir.api.plugin.OffloadTier;

/**
 * The bookkeeping shared by the offload tiers: each entry is one contiguous range of a linear space of
 * {@link #capacityBytes()} bytes (a {@link RangeAllocator}), which a subclass backs with a medium (host
 * memory, a file). The index, the budget, the LRU order of evictable entries and the pinning of entries
 * being read live here; the medium only copies bytes.
 *
 * <p>Copies run outside the lock so that threads move bytes in parallel. A range is reserved before its
 * bytes are written and published in the index only after, so a reader never sees a half-written entry;
 * an entry being read is pinned, so removing or replacing it meanwhile defers freeing its range until the
 * last reader is done, and no put can overwrite bytes under a reader.
 *
 * <p>Invariants (under the lock):
 * <ul>
 *   <li>{@code usedBytes + allocator.numFreeBytes() == capacityBytes}: used bytes are the ranges of
 *       indexed entries, of puts still copying, and of removed entries still being read;</li>
 *   <li>an entry is in the LRU list iff it is indexed and evictable; {@code evictableBytes} sums their lengths;</li>
 *   <li>a retired (no longer indexed) entry's range is freed exactly once, when its last reader leaves;</li>
 *   <li>after {@link #close()} returns no copy is running and the medium is released.</li>
 * </ul>
 */
public abstract class RangeOffloadTier implements OffloadTier {

    private static final System.Logger LOG = System.getLogger(RangeOffloadTier.class.getName());

    /** One stored copy. Fields are guarded by the tier's lock, except the immutable ones. */
    private static final class Entry {
        final long key;
        final long offset;
        final long length;
        final boolean evictable;
        long tag;
        int numReaders;
        boolean retired;
        Entry lruPrevious;
        Entry lruNext;

        Entry(long key, long offset, long length, boolean evictable) {
            this.key = key;
            this.offset = offset;
            this.length = length;
            this.evictable = evictable;
        }
    }

    private final long capacityBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition noCopyRunning = lock.newCondition();
    private final RangeAllocator allocator;
    private final HashMap<Long, Entry> entries = new HashMap<>();
    /** Sentinel of the circular LRU list: {@code lru.lruNext} is the least recently used evictable entry. */
    private final Entry lru = new Entry(0, 0, 0, true);
    private long usedBytes;
    /** Bytes of the entries in the LRU list. */
    private long evictableBytes;
    private int numCopiesRunning;
    private long numEvictions;
    private long numFailedReads;
    private boolean closed;

    protected RangeOffloadTier(long capacityBytes) {
        this.capacityBytes = capacityBytes;
        this.allocator = new RangeAllocator(capacityBytes);
        lru.lruPrevious = lru;
        lru.lruNext = lru;
    }

    /**
     * Makes {@code [offset, offset + length)} of the space usable (e.g. reserves memory on first use); false
     * when the medium cannot. Called under the lock before the range is written.
     */
    protected abstract boolean backRange(long offset, long length);

    /**
     * Copies {@code src} to {@code [offset, offset + src.byteSize())} and returns a tag to keep with the entry
     * (a checksum, or 0). Called without the lock; the range is reserved for this call alone.
     */
    protected abstract long write(long key, long offset, MemorySegment src) throws IOException;

    /**
     * Copies {@code [offset, offset + dst.byteSize())} into {@code dst}; false when the bytes fail the check
     * against {@code tag}. Called without the lock; the range does not change during the call.
     */
    protected abstract boolean read(long key, long offset, MemorySegment dst, long tag) throws IOException;

    /** Frees the medium. Called once, under the lock, when no copy is running. */
    protected abstract void release();

    @Override
    public final boolean put(long key, MemorySegment data) {
        return store(key, data, false);
    }

    @Override
    public final boolean putEvictable(long key, MemorySegment data) {
        return store(key, data, true);
    }

    private boolean store(long key, MemorySegment data, boolean evictable) {
        Objects.requireNonNull(data, "data");
        long length = data.byteSize();
        if (length == 0) {
            throw new IllegalArgumentException("data is empty (key " + key + ")");
        }
        Entry entry;
        lock.lock();
        try {
            ensureOpen();
            long offset = allocateMakingRoom(length);
            if (offset < 0) {
                return false;
            }
            entry = new Entry(key, offset, length, evictable);
            usedBytes += length;
            numCopiesRunning++;
        } finally {
            lock.unlock();
        }
        boolean stored = false;
        try {
            entry.tag = write(key, entry.offset, data);
            stored = true;
        } catch (IOException e) {
            reportIoFailure("write", key, e);
        } finally {
            lock.lock();
            try {
                if (stored) {
                    Entry replaced = entries.put(key, entry);
                    if (replaced != null) {
                        retire(replaced);
                    }
                    if (evictable) {
                        lruAppend(entry);
                    }
                } else {
                    freeRange(entry);
                }
                copyDone();
            } finally {
                lock.unlock();
            }
        }
        return stored;
    }

    @Override
    public final boolean get(long key, MemorySegment dst) {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only (key " + key + ")");
        }
        Entry entry;
        lock.lock();
        try {
            ensureOpen();
            entry = entries.get(key);
            if (entry == null) {
                return false;
            }
            if (dst.byteSize() != entry.length) {
                throw new IllegalArgumentException("dst holds " + dst.byteSize() + " bytes but key " + key + " stored " + entry.length);
            }
            entry.numReaders++;
            numCopiesRunning++;
            if (entry.evictable) {
                lruRemove(entry);
                lruAppend(entry);
            }
        } finally {
            lock.unlock();
        }
        boolean intact = false;
        boolean checked = false;
        try {
            intact = read(key, entry.offset, dst, entry.tag);
            checked = true;
        } catch (IOException e) {
            reportIoFailure("read", key, e);
            checked = true;
        } finally {
            lock.lock();
            try {
                entry.numReaders--;
                boolean retiredMeanwhile = entry.retired;
                if (checked && !intact) {
                    numFailedReads++;
                    if (entries.remove(key, entry)) {
                        retire(entry);
                    }
                }
                if (retiredMeanwhile && entry.numReaders == 0) {
                    freeRange(entry);
                }
                copyDone();
            } finally {
                lock.unlock();
            }
        }
        return intact;
    }

    @Override
    public final void remove(long key) {
        lock.lock();
        try {
            ensureOpen();
            Entry entry = entries.remove(key);
            if (entry != null) {
                retire(entry);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public final long usedBytes() {
        lock.lock();
        try {
            return usedBytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public final long capacityBytes() {
        return capacityBytes;
    }

    /** Keys stored now. */
    public final int numEntries() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Evictable entries dropped to make room so far. */
    public final long numEvictions() {
        lock.lock();
        try {
            return numEvictions;
        } finally {
            lock.unlock();
        }
    }

    /** Gets that found their key but not its bytes intact (a failed checksum or an I/O error). */
    public final long numFailedReads() {
        lock.lock();
        try {
            return numFailedReads;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for running copies, then frees everything; later calls other than this one throw. */
    @Override
    public final void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            while (numCopiesRunning > 0) {
                noCopyRunning.awaitUninterruptibly();
            }
            entries.clear();
            lru.lruNext = lru;
            lru.lruPrevious = lru;
            evictableBytes = 0;
            usedBytes = 0;
            release();
        } finally {
            lock.unlock();
        }
    }

    /** Throws {@link IllegalStateException} naming the first broken invariant (for tests). */
    public final void checkInvariants() {
        lock.lock();
        try {
            allocator.checkInvariants();
            if (closed) {
                return;
            }
            if (usedBytes + allocator.numFreeBytes() != capacityBytes) {
                throw new IllegalStateException("used " + usedBytes + " + free " + allocator.numFreeBytes() + " != capacity " + capacityBytes);
            }
            int numEvictable = 0;
            for (Entry e : entries.values()) {
                if (e.retired) {
                    throw new IllegalStateException("retired entry of key " + e.key + " is indexed");
                }
                numEvictable += e.evictable ? 1 : 0;
            }
            int numInLru = 0;
            long bytesInLru = 0;
            for (Entry e = lru.lruNext; e != lru; e = e.lruNext) {
                if (!e.evictable || entries.get(e.key) != e || e.lruNext.lruPrevious != e) {
                    throw new IllegalStateException("LRU list holds a stale or pinned entry of key " + e.key);
                }
                numInLru++;
                bytesInLru += e.length;
            }
            if (numInLru != numEvictable || bytesInLru != evictableBytes) {
                throw new IllegalStateException(numEvictable + " evictable entries but " + numInLru + " in the LRU list, holding "
                        + bytesInLru + " bytes, counted " + evictableBytes);
            }
        } finally {
            lock.unlock();
        }
    }

    private void reportIoFailure(String what, long key, IOException e) {
        LOG.log(System.Logger.Level.WARNING, () -> getClass().getSimpleName() + ": " + what + " of key " + key
                + " failed, carrying on without it", e);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("offload tier is closed");
        }
    }

    /** Allocates a range, dropping least recently used evictable entries nobody is reading until one fits. */
    private long allocateMakingRoom(long length) {
        if (length > allocator.numFreeBytes() + evictableBytes) {
            // Even dropping every evictable entry would not make room: keep them.
            return -1;
        }
        while (true) {
            long offset = allocator.allocate(length);
            if (offset >= 0) {
                if (backRange(offset, length)) {
                    return offset;
                }
                allocator.free(offset, length);
                return -1;
            }
            Entry victim = lru.lruNext;
            while (victim != lru && victim.numReaders > 0) {
                victim = victim.lruNext;
            }
            if (victim == lru) {
                return -1;
            }
            entries.remove(victim.key);
            retire(victim);
            numEvictions++;
        }
    }

    private void retire(Entry entry) {
        assert !entry.retired : "key " + entry.key + " retired twice";
        entry.retired = true;
        if (entry.evictable) {
            lruRemove(entry);
        }
        if (entry.numReaders == 0) {
            freeRange(entry);
        }
    }

    private void freeRange(Entry entry) {
        allocator.free(entry.offset, entry.length);
        usedBytes -= entry.length;
        assert usedBytes >= 0 : "usedBytes went negative";
    }

    private void copyDone() {
        numCopiesRunning--;
        if (numCopiesRunning == 0) {
            noCopyRunning.signalAll();
        }
    }

    private void lruAppend(Entry entry) {
        Entry last = lru.lruPrevious;
        entry.lruPrevious = last;
        entry.lruNext = lru;
        last.lruNext = entry;
        lru.lruPrevious = entry;
        evictableBytes += entry.length;
    }

    private void lruRemove(Entry entry) {
        entry.lruPrevious.lruNext = entry.lruNext;
        entry.lruNext.lruPrevious = entry.lruPrevious;
        entry.lruPrevious = null;
        entry.lruNext = null;
        evictableBytes -= entry.length;
    }
}
