package io.kvasir.plugins.tier.internal;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Hands out contiguous byte ranges of a linear space {@code [0, capacityBytes)}: best fit (the smallest
 * free range that is large enough, the lowest one among equals), carved from its start, and freed ranges
 * coalesced with their neighbours.
 *
 * <p>When every range has the same size {@code s}, every allocation starts at a multiple of {@code s}, so
 * every free range but the one ending at the capacity is a multiple of {@code s} long: an allocation then
 * succeeds iff {@code numFreeBytes() >= s}, and the budget is exact. Mixed sizes may fragment the space.
 * Best fit keeps the used ranges low, so a tier backing the space lazily touches little beyond its
 * high-water mark.
 *
 * <p>Invariants (checked by {@link #checkInvariants()}):
 * <ul>
 *   <li>free ranges are disjoint, non-empty, inside the space and never adjacent (always coalesced);</li>
 *   <li>the two indexes hold the same ranges;</li>
 *   <li>{@code numFreeBytes()} is the sum of their lengths, and allocated + free == capacity.</li>
 * </ul>
 *
 * <p>Not thread-safe: the owning tier calls it under its lock.
 */
public final class RangeAllocator {

    private record FreeRange(long start, long length) {
    }

    private static final Comparator<FreeRange> BY_LENGTH_THEN_START =
            Comparator.comparingLong(FreeRange::length).thenComparingLong(FreeRange::start);

    private final long capacityBytes;
    private final TreeMap<Long, Long> freeByStart = new TreeMap<>();
    private final TreeSet<FreeRange> freeByLength = new TreeSet<>(BY_LENGTH_THEN_START);
    private long numFreeBytes;

    /** A space of {@code capacityBytes} bytes, all free. */
    public RangeAllocator(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes must be positive, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        addFree(0, capacityBytes);
    }

    /** The start of a newly allocated range of {@code length} bytes, or -1 when no free range is large enough. */
    public long allocate(long length) {
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive, got " + length);
        }
        FreeRange fit = freeByLength.ceiling(new FreeRange(Long.MIN_VALUE, length));
        if (fit == null) {
            return -1;
        }
        removeFree(fit);
        if (fit.length() > length) {
            addFree(fit.start() + length, fit.length() - length);
        }
        return fit.start();
    }

    /** Returns an allocated range. Freeing a range that is (partly) free already throws {@link IllegalStateException}. */
    public void free(long start, long length) {
        if (start < 0 || length <= 0 || start > capacityBytes - length) {
            throw new IllegalArgumentException("range [" + start + ", +" + length + ") is outside [0, " + capacityBytes + ")");
        }
        long end = start + length;
        Map.Entry<Long, Long> below = freeByStart.floorEntry(start);
        Map.Entry<Long, Long> above = freeByStart.ceilingEntry(start);
        if ((below != null && below.getKey() + below.getValue() > start) || (above != null && above.getKey() < end)) {
            throw new IllegalStateException("double free: [" + start + ", +" + length + ") overlaps a free range");
        }
        long mergedStart = start;
        long mergedEnd = end;
        if (below != null && below.getKey() + below.getValue() == start) {
            mergedStart = below.getKey();
            removeFree(new FreeRange(below.getKey(), below.getValue()));
        }
        if (above != null && above.getKey() == end) {
            mergedEnd = end + above.getValue();
            removeFree(new FreeRange(above.getKey(), above.getValue()));
        }
        addFree(mergedStart, mergedEnd - mergedStart);
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    public long numFreeBytes() {
        return numFreeBytes;
    }

    /** The longest allocation that would succeed now. */
    public long largestFreeRange() {
        return freeByLength.isEmpty() ? 0 : freeByLength.last().length();
    }

    public int numFreeRanges() {
        return freeByStart.size();
    }

    /** Throws {@link IllegalStateException} naming the first broken invariant. */
    public void checkInvariants() {
        if (freeByStart.size() != freeByLength.size()) {
            throw new IllegalStateException(freeByStart.size() + " ranges by start, " + freeByLength.size() + " by length");
        }
        long sum = 0;
        long previousEnd = -1;
        for (Map.Entry<Long, Long> range : freeByStart.entrySet()) {
            long start = range.getKey();
            long length = range.getValue();
            if (length <= 0 || start < 0 || start > capacityBytes - length) {
                throw new IllegalStateException("bad free range [" + start + ", +" + length + ")");
            }
            if (start <= previousEnd) {
                throw new IllegalStateException("free range at " + start + " overlaps or touches the one ending at " + previousEnd);
            }
            if (!freeByLength.contains(new FreeRange(start, length))) {
                throw new IllegalStateException("free range at " + start + " missing from the length index");
            }
            previousEnd = start + length;
            sum += length;
        }
        if (sum != numFreeBytes) {
            throw new IllegalStateException("free ranges sum to " + sum + " but numFreeBytes is " + numFreeBytes);
        }
    }

    private void addFree(long start, long length) {
        freeByStart.put(start, length);
        freeByLength.add(new FreeRange(start, length));
        numFreeBytes += length;
    }

    private void removeFree(FreeRange range) {
        freeByStart.remove(range.start());
        boolean removed = freeByLength.remove(range);
        assert removed : "free range " + range + " missing from the length index";
        numFreeBytes -= range.length();
    }
}
