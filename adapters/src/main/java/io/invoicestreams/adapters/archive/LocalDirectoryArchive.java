package io.invoicestreams.adapters.archive;

import io.invoicestreams.projections.audit.AuditArchive;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The archive in a local folder, the embedded default. An object is written to a temporary file, forced to disk
 * and moved over its key atomically, so a reader never sees half an object and a retried write replaces the first.
 */
public final class LocalDirectoryArchive implements AuditArchive {

    private final Path root;

    public LocalDirectoryArchive(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String key, byte[] content) {
        Path target = root.resolve(key).normalize();
        if (!target.startsWith(root) || key.startsWith("/")) {
            throw new IllegalArgumentException("archive key '" + key + "' leaves the archive folder");
        }
        try {
            Files.createDirectories(target.getParent());
            Path temporary = Files.createTempFile(target.getParent(), ".put-", ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ArchiveWriteException("cannot write " + target + ": " + e, e);
        }
    }

    @Override
    public String location() {
        return root.toString();
    }
}
