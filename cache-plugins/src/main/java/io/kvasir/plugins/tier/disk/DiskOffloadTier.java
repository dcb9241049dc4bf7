package io.kvasir.plugins.tier.disk;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import io.kvasir.plugins.tier.internal.RangeOffloadTier;

/**
 * An offload tier on local disk: one data file of at most {@code capacityBytes} bytes in a fresh private
 * subdirectory ({@code kvasir-offload-*}, owner-only permissions) of a given directory. Each entry is a
 * contiguous record of the file at an offset the {@link io.kvasir.plugins.tier.internal.RangeAllocator}
 * chose, so freed space is reused and the file never grows past the capacity; the index lives in memory.
 * Bytes move between the file and the caller's segment through {@link FileChannel} positional I/O on the
 * segment's own buffer view, without an intermediate copy for native segments.
 *
 * <p>A record is written completely before the index points at it, and its CRC32C (over the key, the
 * length and the bytes) is kept in the index and checked on every read: a record damaged on disk, or one
 * the process never finished writing, is never served; {@link #get} returns false and forgets the key.
 * Nothing is fsynced: the tier is a cache of one process's KV blocks, its files are worthless after a
 * crash, and {@link #close()} deletes them.
 */
public final class DiskOffloadTier extends RangeOffloadTier {

    /** The largest capacity accepted (64 TiB). */
    public static final long MAX_CAPACITY_BYTES = 1L << 46;

    /** The data file's name inside the tier's subdirectory. */
    public static final String DATA_FILE_NAME = "blocks.dat";

    /** Bytes checksummed and moved per I/O call: small enough that a checksummed piece is still in cache when written. */
    private static final int IO_CHUNK_BYTES = 256 << 10;

    private final Path directory;
    private final Path dataFile;
    private final FileChannel channel;

    private DiskOffloadTier(long capacityBytes, Path directory, Path dataFile, FileChannel channel) {
        super(capacityBytes);
        this.directory = directory;
        this.dataFile = dataFile;
        this.channel = channel;
    }

    /**
     * Creates the tier's subdirectory and data file under {@code parent} (created if missing).
     *
     * @param capacityBytes the budget, in [1, {@link #MAX_CAPACITY_BYTES}]
     * @throws IOException when {@code parent} is not a writable directory
     */
    public static DiskOffloadTier create(Path parent, long capacityBytes) throws IOException {
        if (capacityBytes < 1 || capacityBytes > MAX_CAPACITY_BYTES) {
            throw new IllegalArgumentException("capacityBytes must be in [1, " + MAX_CAPACITY_BYTES + "], got " + capacityBytes);
        }
        Files.createDirectories(parent);
        Path directory = Files.createTempDirectory(parent, "kvasir-offload-");
        Path dataFile = directory.resolve(DATA_FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(dataFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            Files.deleteIfExists(directory);
            throw e;
        }
        // A safety net for a JVM that exits without close(); registered directory first so it is deleted last.
        directory.toFile().deleteOnExit();
        dataFile.toFile().deleteOnExit();
        return new DiskOffloadTier(capacityBytes, directory, dataFile, channel);
    }

    /** The tier's own subdirectory, deleted at {@link #close()}. */
    public Path directory() {
        return directory;
    }

    /** The data file holding the records. */
    public Path dataFile() {
        return dataFile;
    }

    @Override
    protected boolean backRange(long offset, long length) {
        return true;
    }

    @Override
    protected long write(long key, long offset, MemorySegment src) throws IOException {
        long length = src.byteSize();
        CRC32C crc = startChecksum(key, length);
        ByteBuffer staging = SegmentBuffers.viewable(src) ? null : ByteBuffer.allocate(IO_CHUNK_BYTES);
        for (long done = 0; done < length; done += IO_CHUNK_BYTES) {
            int n = (int) Math.min(IO_CHUNK_BYTES, length - done);
            ByteBuffer piece = SegmentBuffers.source(src, done, n, staging);
            crc.update(piece);
            piece.flip();
            long position = offset + done;
            while (piece.hasRemaining()) {
                position += channel.write(piece, position);
            }
        }
        return crc.getValue();
    }

    @Override
    protected boolean read(long key, long offset, MemorySegment dst, long tag) throws IOException {
        long length = dst.byteSize();
        CRC32C crc = startChecksum(key, length);
        ByteBuffer staging = SegmentBuffers.viewable(dst) ? null : ByteBuffer.allocate(IO_CHUNK_BYTES);
        for (long done = 0; done < length; done += IO_CHUNK_BYTES) {
            int n = (int) Math.min(IO_CHUNK_BYTES, length - done);
            ByteBuffer piece = SegmentBuffers.target(dst, done, n, staging);
            long position = offset + done;
            while (piece.hasRemaining()) {
                int numRead = channel.read(piece, position);
                if (numRead < 0) {
                    throw new EOFException(dataFile + " ends before the record of key " + key);
                }
                position += numRead;
            }
            piece.flip();
            crc.update(piece);
            if (staging != null) {
                SegmentBuffers.drain(staging, dst, done, n);
            }
        }
        return crc.getValue() == tag;
    }

    @Override
    protected void release() {
        try {
            channel.close();
        } catch (IOException e) {
            // The file is deleted below either way.
        }
        try {
            Files.deleteIfExists(dataFile);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            System.getLogger(DiskOffloadTier.class.getName()).log(System.Logger.Level.WARNING,
                    "could not delete the offload tier's files under " + directory, e);
        }
    }

    private static CRC32C startChecksum(long key, long length) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(2 * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(key).putLong(length).flip());
        return crc;
    }
}
