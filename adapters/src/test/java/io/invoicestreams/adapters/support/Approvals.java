package io.invoicestreams.adapters.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Approval files: the expected text lives in src/test/resources/approved/{name}. A difference fails the test and
 * writes what was received to target/approvals/{name}, so a reviewer can diff and, if the change is intended, copy
 * it over (or run with -Dapprovals.update=true).
 */
public final class Approvals {

    private static final Path APPROVED = Path.of("src/test/resources/approved");
    private static final Path RECEIVED = Path.of("target/approvals");

    private Approvals() {
    }

    public static void verify(String name, String received) {
        try {
            Path approved = APPROVED.resolve(name);
            if (Boolean.getBoolean("approvals.update")) {
                Files.createDirectories(approved.getParent());
                Files.writeString(approved, received);
            }
            if (!Files.exists(approved) || !Files.readString(approved).equals(received)) {
                Path out = RECEIVED.resolve(name);
                Files.createDirectories(out.getParent());
                Files.writeString(out, received);
            }
            assertThat(Files.exists(approved)).as("approved file %s exists (received: %s)", approved,
                    RECEIVED.resolve(name)).isTrue();
            assertThat(received).as("%s matches its approved file; received copy in %s", name, RECEIVED.resolve(name))
                    .isEqualTo(Files.readString(approved));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
