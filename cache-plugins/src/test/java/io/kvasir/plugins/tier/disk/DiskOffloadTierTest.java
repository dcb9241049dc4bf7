package io.kvasir.plugins.tier.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.OffloadTier;
import io.kvasir.plugins.tier.OffloadTierContract;
import io.kvasir.plugins.tier.internal.RangeOffloadTier;

class DiskOffloadTierTest extends OffloadTierContract {

    @TempDir
    Path parent;

    private final DiskOffloadTierProvider provider = new DiskOffloadTierProvider();

    @Override
    protected RangeOffloadTier createTier(long capacityBytes) {
        try {
            return DiskOffloadTier.create(parent, capacityBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aByteFlippedOnDiskIsDetectedAndTheKeyForgotten() throws IOException {
        DiskOffloadTier tier = (DiskOffloadTier) newTier(1 << 20);
        SplittableRandom random = new SplittableRandom(1);
        MemorySegment kept = randomBytes(random, 4096);
        tier.put(1, kept);
        tier.put(2, randomBytes(random, 4096));
        flipByte(tier.dataFile(), 4096 + 1234);

        MemorySegment back = arena.allocate(4096);
        assertThat(tier.get(2, back)).isFalse();
        assertThat(tier.numFailedReads()).isEqualTo(1);
        assertThat(tier.get(2, back)).isFalse();
        assertThat(tier.usedBytes()).isEqualTo(4096);
        assertThat(tier.get(1, back)).isTrue();
        assertSameBytes(back, kept, "the intact record");
        tier.checkInvariants();
    }

    @Test
    void aTruncatedFileIsNotServed() throws IOException {
        DiskOffloadTier tier = (DiskOffloadTier) newTier(1 << 20);
        tier.put(1, randomBytes(new SplittableRandom(2), 8192));
        try (FileChannel channel = FileChannel.open(tier.dataFile(), StandardOpenOption.WRITE)) {
            channel.truncate(5000);
        }

        assertThat(tier.get(1, arena.allocate(8192))).isFalse();
        assertThat(tier.numEntries()).isZero();
    }

    @Test
    void aRecordCopiedOverAnotherKeysRecordIsNotServed() throws IOException {
        DiskOffloadTier tier = (DiskOffloadTier) newTier(1 << 20);
        SplittableRandom random = new SplittableRandom(3);
        tier.put(1, randomBytes(random, 4096));
        tier.put(2, randomBytes(random, 4096));
        try (FileChannel channel = FileChannel.open(tier.dataFile(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer first = ByteBuffer.allocate(4096);
            channel.read(first, 0);
            channel.write(first.flip(), 4096);
        }

        assertThat(tier.get(2, arena.allocate(4096))).as("the checksum covers the key").isFalse();
        assertThat(tier.get(1, arena.allocate(4096))).isTrue();
    }

    @Test
    void closeDeletesWhatTheTierCreatedAndNothingElse() throws IOException {
        Path neighbour = Files.writeString(parent.resolve("neighbour.txt"), "keep me");
        DiskOffloadTier tier = (DiskOffloadTier) newTier(1 << 20);
        tier.put(1, randomBytes(new SplittableRandom(4), 4096));
        assertThat(tier.directory().getParent()).isEqualTo(parent);
        assertThat(tier.directory().getFileName().toString()).startsWith("kvasir-offload-");
        assertThat(Files.size(tier.dataFile())).isEqualTo(4096);

        tier.close();

        assertThat(tier.directory()).doesNotExist();
        assertThat(neighbour).exists();
        assertThat(parent).exists();
    }

    @Test
    void twoTiersInOneDirectoryKeepApart() {
        DiskOffloadTier first = (DiskOffloadTier) newTier(1 << 20);
        DiskOffloadTier second = (DiskOffloadTier) newTier(1 << 20);
        MemorySegment a = randomBytes(new SplittableRandom(5), 100);
        MemorySegment b = randomBytes(new SplittableRandom(6), 100);
        first.put(1, a);
        second.put(1, b);

        MemorySegment back = arena.allocate(100);
        assertThat(first.get(1, back)).isTrue();
        assertSameBytes(back, a, "first tier");
        assertThat(second.get(1, back)).isTrue();
        assertSameBytes(back, b, "second tier");
        assertThat(first.directory()).isNotEqualTo(second.directory());
    }

    @Test
    void theDataFileNeverGrowsPastTheCapacity() throws IOException {
        DiskOffloadTier tier = (DiskOffloadTier) newTier(10 * 1000);
        SplittableRandom random = new SplittableRandom(7);
        for (int op = 0; op < 500; op++) {
            long key = random.nextInt(20);
            if (random.nextBoolean()) {
                tier.put(key, randomBytes(random, 1 + random.nextInt(3000)));
            } else {
                tier.remove(key);
            }
        }
        assertThat(Files.size(tier.dataFile())).isLessThanOrEqualTo(10 * 1000);
    }

    // ---- configuration ----

    @Test
    void refusesADirectoryThatIsAFile() throws IOException {
        Path file = Files.writeString(parent.resolve("not-a-directory"), "x");

        assertThatThrownBy(() -> provider.create(provider.configSchema().validate(Map.of("directory", file.toString()))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("directory: ")
                .hasMessageContaining("not a writable directory");
        assertThatThrownBy(() -> provider.create(provider.configSchema().validate(Map.of("directory", file.resolve("below").toString()))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("not a writable directory");
    }

    @Test
    void refusesADirectoryWithoutWritePermission() throws IOException {
        Path readOnly = Files.createDirectory(parent.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // Root ignores permission bits; a directory under /proc (a file system nobody may write) stands in then.
            Path target = Files.isWritable(readOnly) ? Path.of("/proc/kvasir-offload-test") : readOnly;
            assertThatThrownBy(() -> provider.create(provider.configSchema().validate(Map.of("directory", target.toString()))))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("directory: " + target.toAbsolutePath());
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void createsAMissingDirectoryAndDefaultsToTheTemporaryDirectory() throws IOException {
        Path missing = parent.resolve("a/b");
        try (OffloadTier tier = provider.create(provider.configSchema().validate(Map.of("directory", missing.toString())))) {
            assertThat(((DiskOffloadTier) tier).directory().getParent()).isEqualTo(missing);
            assertThat(tier.capacityBytes()).isEqualTo(DiskOffloadTierProvider.DEFAULT_CAPACITY_BYTES);
        }
        try (OffloadTier tier = provider.create(provider.configSchema().validate(Map.of()))) {
            Path directory = ((DiskOffloadTier) tier).directory();
            assertThat(directory.getParent().toRealPath()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toRealPath());
            tier.close();
            assertThat(directory).doesNotExist();
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x20));
            channel.write(one.rewind(), position);
        }
    }
}
