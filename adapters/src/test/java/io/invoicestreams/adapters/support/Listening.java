package io.invoicestreams.adapters.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses that listen on a TCP port, as the kernel lists them ({@code /proc/net/tcp} and {@code tcp6}): an
 * independent view of what {@code ss -ltn} shows.
 */
public final class Listening {

    private Listening() {
    }

    /** The local addresses in the kernel's hexadecimal form of the sockets that listen on the port. */
    public static List<String> addresses(int port) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(file)).stream().skip(1).toList()) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (fields[3].equals("0A") && Integer.parseInt(local[1], 16) == port) { // 0A: LISTEN
                    addresses.add(local[0]);
                }
            }
        }
        return addresses;
    }

    /**
     * True for 127.0.0.1 in tcp, and ::ffff:127.0.0.1 or ::1 in tcp6, as the kernel writes them; every interface
     * would be all zeros.
     */
    public static boolean loopback(String address) {
        return List.of("0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000")
                .contains(address);
    }
}
