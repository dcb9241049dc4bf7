package io.kvasir.plugins.codec.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Regions as the engine hands them over after reuse: 64-byte aligned, full of a previous block's bytes. */
final class GarbageRegion {

    private GarbageRegion() {
    }

    static MemorySegment of(Arena arena, long bytes, SplittableRandom random) {
        MemorySegment region = arena.allocate(bytes, 64);
        for (long i = 0; i < bytes; i++) {
            region.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        }
        return region;
    }
}
