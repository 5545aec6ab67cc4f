package io.invoicestreams.opensearchnode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.opensearch.Version;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.PluginInfo;
import org.opensearch.transport.Netty4ModulePlugin;

/**
 * A single-node OpenSearch with HTTP on a loopback port, for tests and benchmarks. It runs until its standard input
 * closes (the parent went away) or it is killed.
 *
 * <p>Arguments: home-folder http-port transport-port
 */
public final class LocalOpenSearchNode extends Node {

    private LocalOpenSearchNode(Settings settings) {
        super(InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "local-node"),
                List.of(new PluginInfo(Netty4ModulePlugin.class.getName(), "classpath plugin", "NA", Version.CURRENT,
                        "21", Netty4ModulePlugin.class.getName(), null, List.of(), false)), true);
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", "invoice-streams-test")
                .put("node.name", "local")
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", args[1])
                .put("transport.port", args[2])
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", false)
                .build();
        LocalOpenSearchNode node = new LocalOpenSearchNode(settings);
        node.start();
        System.out.println("OpenSearch listens on 127.0.0.1:" + args[1]);
        while (System.in.read() >= 0) {
            // runs until the parent closes our standard input
        }
        node.close();
        System.exit(0);
    }
}
