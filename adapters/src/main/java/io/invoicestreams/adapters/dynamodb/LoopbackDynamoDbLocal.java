package io.invoicestreams.adapters.dynamodb;

import java.lang.reflect.Field;

/**
 * Starts DynamoDB Local's server on 127.0.0.1 only (issue 18). Its own command line has no option for the address,
 * and it listens on every interface. This runs in DynamoDB Local's JVM, with this project's code on the class path
 * only for this class, so it uses nothing else of the project and reaches DynamoDB Local and its Jetty server by
 * reflection: it builds the server as DynamoDB Local's own main does, binds each connector to the loopback address,
 * and starts it.
 */
public final class LoopbackDynamoDbLocal {

    static final String HOST = "127.0.0.1";

    private LoopbackDynamoDbLocal() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> runner = Class.forName(DynamoDbLocalServer.MAIN);
        Object server = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null,
                (Object) args);
        Field field = server.getClass().getDeclaredField("server");
        field.setAccessible(true);
        Object jetty = field.get(server);
        Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
        if (connectors.length == 0) {
            throw new IllegalStateException("DynamoDB Local's server has no connector to bind to " + HOST);
        }
        for (Object connector : connectors) {
            connector.getClass().getMethod("setHost", String.class).invoke(connector, HOST);
        }
        server.getClass().getMethod("start").invoke(server);
    }
}
