package io.invoicestreams.app;

import io.quarkus.runtime.annotations.CommandLineArguments;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Currency;

/** What every feature shares: the invocation, the clock, the default currency, this node's name, the data folder. */
@Singleton
public class CoreAssembly {

    /** This instance's name in shard and segment claims. */
    public record NodeId(String value) {
    }

    /** The folder of the service's local files. */
    public record DataDir(Path path) {
        public Path resolve(String name) {
            return path.resolve(name);
        }
    }

    @Produces
    @Singleton
    Invocation invocation(@CommandLineArguments String[] args) {
        return new Invocation(Command.of(args).orElse(Command.SERVE));
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    Currency defaultCurrency(InvoiceStreamsConfig config) {
        try {
            return Currency.getInstance(config.defaultCurrency());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invoice.default-currency '" + config.defaultCurrency()
                    + "' is not an ISO 4217 code");
        }
    }

    @Produces
    @Singleton
    NodeId nodeId(InvoiceStreamsConfig config) {
        return new NodeId(config.node().id().filter(id -> !id.isBlank()).orElseGet(() -> {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            return host + "-" + ProcessHandle.current().pid();
        }));
    }

    @Produces
    @Singleton
    DataDir dataDir(InvoiceStreamsConfig config) {
        return new DataDir(Path.of(config.dataDir()));
    }
}
