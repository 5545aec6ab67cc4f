package io.invoicestreams.adapters.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Replaces one marked section of docs/benchmarks.md, leaving the rest of the page as it is. */
public final class BenchmarkReport {

    private BenchmarkReport() {
    }

    /** "Measured 2026-11-24 on 2 cores, JDK 25." */
    public static String measured() {
        return "Measured " + DateTimeFormatter.ISO_LOCAL_DATE.format(Instant.now().atOffset(ZoneOffset.UTC)) + " on "
                + Runtime.getRuntime().availableProcessors() + " cores, JDK " + Runtime.version().feature() + ".";
    }

    /** Writes {@code body} between {@code <!-- name:begin -->} and {@code <!-- name:end -->}, appending if absent. */
    public static void replaceSection(Path report, String name, String body) throws IOException {
        String begin = "<!-- " + name + ":begin -->";
        String end = "<!-- " + name + ":end -->";
        String section = begin + "\n" + body + "\n" + end;
        String text = Files.exists(report) ? Files.readString(report) : "# Benchmarks\n";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        text = from < 0 || to < 0 ? text + "\n" + section + "\n"
                : text.substring(0, from) + section + text.substring(to + end.length());
        Files.writeString(report, text);
        System.out.println("Wrote " + report.toAbsolutePath());
    }
}
