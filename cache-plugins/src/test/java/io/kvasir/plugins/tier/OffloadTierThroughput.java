package io.kvasir.plugins.tier;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;

import io.kvasir.api.plugin.OffloadTier;
import io.kvasir.plugins.tier.disk.DiskOffloadTier;
import io.kvasir.plugins.tier.host.HostOffloadTier;

/**
 * Measures put and get throughput of the offload tiers for 64 KiB to 1 MiB blocks: not a test, run by hand.
 * Each pass puts a working set of blocks (sources spread over a region larger than the caches, as a KV
 * pool is), gets them all back into another such region, then removes them; the median pass is reported.
 * The disk tier's numbers are page-cache numbers unless the working set exceeds free memory.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED \
 *   -cp platform-api/target/classes:cache-plugins/target/classes:cache-plugins/target/test-classes \
 *   io.kvasir.plugins.tier.OffloadTierThroughput [workingSetMiB=256] [threads=1,N] [diskDirectory=java.io.tmpdir]
 * </pre>
 */
public final class OffloadTierThroughput {

    private static final int[] BLOCK_BYTES = {64 << 10, 256 << 10, 1 << 20};
    private static final int NUM_WARMUP_PASSES = 2;
    private static final int NUM_PASSES = 5;

    private OffloadTierThroughput() {
    }

    public static void main(String[] args) throws Exception {
        long workingSetBytes = (args.length > 0 ? Long.parseLong(args[0]) : 256) << 20;
        int[] threadCounts = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, Runtime.getRuntime().availableProcessors()};
        Path diskDirectory = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
        System.out.printf("working set %d MiB, %d passes (median), %d cores, %s%n", workingSetBytes >> 20, NUM_PASSES,
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.printf("%-5s %9s %8s %12s %12s%n", "tier", "block", "threads", "put GB/s", "get GB/s");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment sources = arena.allocate(workingSetBytes, 64);
            MemorySegment targets = arena.allocate(workingSetBytes, 64);
            SplittableRandom random = new SplittableRandom(42);
            for (long i = 0; i < workingSetBytes; i += Long.BYTES) {
                sources.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
            }
            targets.fill((byte) 1);
            for (int blockBytes : BLOCK_BYTES) {
                System.out.printf("%-5s %6d KiB %8d %12.2f %12s%n", "copy", blockBytes >> 10, 1,
                        plainCopyRate(sources, targets, blockBytes), "(baseline)");
            }
            for (String tierName : new String[] {"host", "disk"}) {
                for (int blockBytes : BLOCK_BYTES) {
                    for (int numThreads : threadCounts) {
                        try (OffloadTier tier = open(tierName, workingSetBytes, diskDirectory)) {
                            double[] rates = measure(tier, sources, targets, blockBytes, numThreads);
                            System.out.printf("%-5s %6d KiB %8d %12.2f %12.2f%n", tierName, blockBytes >> 10, numThreads,
                                    rates[0], rates[1]);
                        }
                    }
                }
            }
        }
    }

    /** A single-threaded block-by-block copy between the two regions, the bound a host tier's put approaches. */
    private static double plainCopyRate(MemorySegment sources, MemorySegment targets, int blockBytes) {
        int numBlocks = (int) (sources.byteSize() / blockBytes);
        double[] rates = new double[NUM_PASSES];
        for (int pass = -NUM_WARMUP_PASSES; pass < NUM_PASSES; pass++) {
            long began = System.nanoTime();
            for (int i = 0; i < numBlocks; i++) {
                // Crossed so the copy does not read what it just wrote.
                int j = numBlocks - 1 - i;
                MemorySegment.copy(sources, (long) i * blockBytes, targets, (long) j * blockBytes, blockBytes);
            }
            long nanos = System.nanoTime() - began;
            if (pass >= 0) {
                rates[pass] = (double) numBlocks * blockBytes / nanos;
            }
        }
        Arrays.sort(rates);
        return rates[NUM_PASSES / 2];
    }

    private static OffloadTier open(String name, long capacityBytes, Path diskDirectory) throws IOException {
        return name.equals("host") ? new HostOffloadTier(capacityBytes) : DiskOffloadTier.create(diskDirectory, capacityBytes);
    }

    /** The median put and get rates in GB/s (10^9 bytes per second). */
    private static double[] measure(OffloadTier tier, MemorySegment sources, MemorySegment targets, int blockBytes,
            int numThreads) throws Exception {
        int numBlocks = (int) (sources.byteSize() / blockBytes);
        double[] putRates = new double[NUM_PASSES];
        double[] getRates = new double[NUM_PASSES];
        for (int pass = -NUM_WARMUP_PASSES; pass < NUM_PASSES; pass++) {
            long putNanos = runParallel(numThreads, numBlocks, (key) -> {
                if (!tier.put(key, sources.asSlice(key * (long) blockBytes, blockBytes))) {
                    throw new IllegalStateException("put refused: key " + key);
                }
            });
            long getNanos = runParallel(numThreads, numBlocks, (key) -> {
                if (!tier.get(key, targets.asSlice(key * (long) blockBytes, blockBytes))) {
                    throw new IllegalStateException("get missed: key " + key);
                }
            });
            for (int key = 0; key < numBlocks; key++) {
                tier.remove(key);
            }
            if (pass >= 0) {
                putRates[pass] = (double) numBlocks * blockBytes / putNanos;
                getRates[pass] = (double) numBlocks * blockBytes / getNanos;
            }
        }
        if (targets.asSlice(0, (long) numBlocks * blockBytes).mismatch(sources.asSlice(0, (long) numBlocks * blockBytes)) != -1) {
            throw new IllegalStateException("bytes came back changed");
        }
        Arrays.sort(putRates);
        Arrays.sort(getRates);
        return new double[] {putRates[NUM_PASSES / 2], getRates[NUM_PASSES / 2]};
    }

    private interface BlockOp {
        void run(int key);
    }

    /** Runs {@code op} on keys {@code [0, numBlocks)} split into contiguous shares; the wall time in nanoseconds. */
    private static long runParallel(int numThreads, int numBlocks, BlockOp op) throws Exception {
        CyclicBarrier start = new CyclicBarrier(numThreads + 1);
        Thread[] threads = new Thread[numThreads];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < numThreads; t++) {
            int from = (int) ((long) numBlocks * t / numThreads);
            int to = (int) ((long) numBlocks * (t + 1) / numThreads);
            threads[t] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int key = from; key < to; key++) {
                        op.run(key);
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
        }
        start.await();
        long began = System.nanoTime();
        for (Thread thread : threads) {
            thread.join();
        }
        long nanos = System.nanoTime() - began;
        synchronized (failure) {
            if (failure[0] != null) {
                throw new IllegalStateException(failure[0]);
            }
        }
        return nanos;
    }
}
