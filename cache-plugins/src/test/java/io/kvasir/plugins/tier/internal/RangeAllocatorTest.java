package io.kvasir.plugins.tier.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RangeAllocatorTest {

    static IntStream seeds() {
        return IntStream.range(0, 50);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomAllocationsNeverOverlapAndFreeRangesStayCoalesced(int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long capacity = 1 + random.nextLong(1 << 16);
        RangeAllocator allocator = new RangeAllocator(capacity);
        TreeMap<Long, Long> allocated = new TreeMap<>();
        long allocatedBytes = 0;
        for (int op = 0; op < 400; op++) {
            if (allocated.isEmpty() || random.nextInt(3) > 0) {
                long length = 1 + random.nextLong(Math.max(1, capacity / 8));
                long start = allocator.allocate(length);
                if (start < 0) {
                    assertThat(allocator.largestFreeRange()).as("seed %d op %d", seed, op).isLessThan(length);
                    continue;
                }
                Map.Entry<Long, Long> below = allocated.floorEntry(start);
                Map.Entry<Long, Long> above = allocated.ceilingEntry(start);
                assertThat(start + length).as("seed %d op %d: inside the space", seed, op).isLessThanOrEqualTo(capacity);
                assertThat(below == null || below.getKey() + below.getValue() <= start).as("seed %d op %d: overlaps below", seed, op).isTrue();
                assertThat(above == null || above.getKey() >= start + length).as("seed %d op %d: overlaps above", seed, op).isTrue();
                allocated.put(start, length);
                allocatedBytes += length;
            } else {
                List<Long> starts = new ArrayList<>(allocated.keySet());
                long start = starts.get(random.nextInt(starts.size()));
                long length = allocated.remove(start);
                allocator.free(start, length);
                allocatedBytes -= length;
            }
            allocator.checkInvariants();
            assertThat(allocator.numFreeBytes() + allocatedBytes).as("seed %d op %d", seed, op).isEqualTo(capacity);
        }
        for (Map.Entry<Long, Long> range : allocated.entrySet()) {
            allocator.free(range.getKey(), range.getValue());
        }
        allocator.checkInvariants();
        assertThat(allocator.numFreeRanges()).isEqualTo(1);
        assertThat(allocator.largestFreeRange()).isEqualTo(capacity);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void equalSizedRangesFitWheneverEnoughBytesAreFree(int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long size = 1 + random.nextInt(5000);
        long capacity = size * (1 + random.nextInt(40)) + random.nextLong(size);
        RangeAllocator allocator = new RangeAllocator(capacity);
        List<Long> allocated = new ArrayList<>();
        for (int op = 0; op < 300; op++) {
            if (allocated.isEmpty() || random.nextBoolean()) {
                boolean enoughFree = allocator.numFreeBytes() >= size;
                long start = allocator.allocate(size);
                assertThat(start >= 0).as("seed %d op %d: allocation succeeds iff %d bytes are free", seed, op, size)
                        .isEqualTo(enoughFree);
                if (start >= 0) {
                    allocated.add(start);
                }
            } else {
                allocator.free(allocated.remove(random.nextInt(allocated.size())), size);
            }
            allocator.checkInvariants();
        }
    }

    @Test
    void prefersTheSmallestFreeRangeThatFitsAndCoalescesNeighbours() {
        RangeAllocator allocator = new RangeAllocator(1000);
        long a = allocator.allocate(100);
        long b = allocator.allocate(50);
        long c = allocator.allocate(100);
        allocator.allocate(10);
        allocator.free(a, 100);
        allocator.free(c, 100);
        allocator.free(b, 50);

        assertThat(allocator.numFreeRanges()).isEqualTo(2);
        assertThat(allocator.allocate(250)).isEqualTo(0);
        assertThat(allocator.allocate(5)).isEqualTo(260);
    }

    @Test
    void doubleFreeThrows() {
        RangeAllocator allocator = new RangeAllocator(100);
        long start = allocator.allocate(10);
        allocator.free(start, 10);

        assertThatThrownBy(() -> allocator.free(start, 10)).isInstanceOf(IllegalStateException.class).hasMessageContaining("double free");
        assertThatThrownBy(() -> allocator.free(95, 10)).isInstanceOf(IllegalArgumentException.class);
        allocator.checkInvariants();
    }
}
