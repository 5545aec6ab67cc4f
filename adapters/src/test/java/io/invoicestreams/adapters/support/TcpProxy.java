package io.invoicestreams.adapters.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of a real server, for outage tests. {@link #cut()} drops every open connection and
 * closes new ones at once, as a client sees a server that is down or restarting; {@link #restore()} lets
 * connections through again. {@link #blackHole()} is the harder fault, a firewall or a middlebox that drops packets:
 * connections are accepted and bytes read, but nothing is answered, and the connections open at that moment stay
 * silent for good (their state is lost), so only a client that times out its calls gets going again. Only ever
 * listens on and connects to 127.0.0.1.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Sockets whose bytes go nowhere, for good: open when the hole opened, or accepted while it was open. */
    private final Set<Socket> sunk = ConcurrentHashMap.newKeySet();
    private volatile boolean down;
    private volatile boolean blackHoled;
    private volatile boolean closed;

    private TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("tcp-proxy-" + listener.getLocalPort()).start(this::accept);
    }

    /** A proxy to 127.0.0.1:targetPort on a free loopback port. */
    public static TcpProxy to(int targetPort) {
        try {
            return new TcpProxy(targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Drops every connection, and refuses new ones until {@link #restore()}. */
    public void cut() {
        down = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
        sunk.clear();
    }

    /**
     * Answers nothing from now on: open connections fall silent for good, and new ones are accepted and read but
     * never reach the server, until {@link #restore()}.
     */
    public void blackHole() {
        blackHoled = true;
        sunk.addAll(open);
    }

    /** Lets new connections through again; a connection that fell into the black hole stays silent. */
    public void restore() {
        down = false;
        blackHoled = false;
    }

    /** Connections accepted and not yet closed, the silent ones included. */
    public int openConnections() {
        return open.size();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (down) {
                closeQuietly(client);
                continue;
            }
            if (blackHoled) {
                open.add(client);
                sunk.add(client);
                Thread.ofVirtual().start(() -> pump(client, null));
                continue;
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(server);
                Thread.ofVirtual().start(() -> pump(client, server));
                Thread.ofVirtual().start(() -> pump(server, client));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** Copies from one socket to the other; what a sunk socket sends or would receive is read and dropped. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (to != null && !sunk.contains(from) && !sunk.contains(to)) {
                    OutputStream out = to.getOutputStream();
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException ignored) {
            // one side closed or was cut
        } finally {
            for (Socket s : to == null ? new Socket[]{from} : new Socket[]{from, to}) {
                closeQuietly(s);
                open.remove(s);
                sunk.remove(s);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        cut();
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
