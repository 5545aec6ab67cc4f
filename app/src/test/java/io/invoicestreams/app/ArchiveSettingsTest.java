package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The archive's buffer settings are checked at start-up, with Firehose's ranges. */
class ArchiveSettingsTest {

    private static io.invoicestreams.app.audit.ArchiveConfig archive(String prefix, int sizeMiB, Duration interval, boolean shortOk) {
        return new io.invoicestreams.app.audit.ArchiveConfig() {
            @Override
            public String prefix() {
                return prefix;
            }

            @Override
            public Optional<String> localDir() {
                return Optional.empty();
            }

            @Override
            public Retention retention() {
                throw new UnsupportedOperationException("not read by the buffer settings");
            }

            @Override
            public S3 s3() {
                return new S3() {
                    @Override
                    public Optional<String> bucket() {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<java.net.URI> endpoint() {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<String> region() {
                        return Optional.empty();
                    }

                    @Override
                    public boolean pathStyle() {
                        return false;
                    }
                };
            }

            @Override
            public Buffer buffer() {
                return new Buffer() {
                    @Override
                    public int size() {
                        return sizeMiB;
                    }

                    @Override
                    public Duration interval() {
                        return interval;
                    }

                    @Override
                    public boolean allowShortInterval() {
                        return shortOk;
                    }
                };
            }
        };
    }

    @Test
    void the_defaults_and_the_edges_of_the_ranges_are_accepted() {
        var settings = io.invoicestreams.app.audit.AuditArchiveAssembly.settings(archive("Invoice/", 5, Duration.ofSeconds(300), false));
        assertThat(settings.sizeBytes()).isEqualTo(5L * 1024 * 1024);
        assertThat(settings.prefix()).isEqualTo("Invoice/");
        io.invoicestreams.app.audit.AuditArchiveAssembly.settings(archive("Invoice/", 1, Duration.ofSeconds(60), false));
        io.invoicestreams.app.audit.AuditArchiveAssembly.settings(archive("", 128, Duration.ofSeconds(900), false));
        io.invoicestreams.app.audit.AuditArchiveAssembly.settings(archive("Invoice/", 5, Duration.ofSeconds(2), true));
    }

    @Test
    void values_outside_the_ranges_stop_the_start_with_a_message_naming_the_key() {
        assertThatThrownBy(() -> io.invoicestreams.app.audit.AuditArchiveAssembly.settings(archive("Invoice/", 129, Duration.ofSeconds(300), false)))
                .hasMessage("invoice.archive.buffer.size must be 1 to 128 (MiB), was 129");
        assertThatThrownBy(() -> io.invoicestreams.app.audit.AuditArchiveAssembly.settings(archive("Invoice/", 0, Duration.ofSeconds(300), false)))
                .hasMessageContaining("must be 1 to 128");
        assertThatThrownBy(() -> io.invoicestreams.app.audit.AuditArchiveAssembly.settings(archive("Invoice/", 5, Duration.ofSeconds(30), false)))
                .hasMessage("invoice.archive.buffer.interval must be 60s to 900s, was 30s (shorter intervals need"
                        + " invoice.archive.buffer.allow-short-interval, for dev and tests only)");
        assertThatThrownBy(() -> io.invoicestreams.app.audit.AuditArchiveAssembly.settings(archive("Invoice/", 5, Duration.ofSeconds(901), true)))
                .hasMessageContaining("must be 60s to 900s, was 901s");
        assertThatThrownBy(() -> io.invoicestreams.app.audit.AuditArchiveAssembly.settings(archive("Invoice", 5, Duration.ofSeconds(300), false)))
                .hasMessageContaining("must be relative and end with '/'");
    }
}
