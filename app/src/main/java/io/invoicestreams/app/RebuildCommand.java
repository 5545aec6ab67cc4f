package io.invoicestreams.app;

import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionControl.Progress;
import io.invoicestreams.adapters.eventstore.RebuildCoordinator;
import io.invoicestreams.app.readmodel.ReadModel;
import io.invoicestreams.app.readmodel.ReadModels;
import io.invoicestreams.app.readmodel.Rebuilds;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code rebuild NAME|--all}: asks the nodes for a rebuild of the read model, follows it with a progress bar, whichever
 * node runs it (this process or a serving one), and exits 0 once it is done (ADR 0022, ADR 0023). A read model that
 * does not fold is replayed in place here, as before.
 */
@ApplicationScoped
public class RebuildCommand {

    /** The read models that {@code rebuild} takes, in the order {@code --all} rebuilds them. */
    static final List<String> READ_MODELS = ReadModels.rebuildable();

    static final String USAGE = """
            Usage: invoice-streams rebuild NAME | --all

            Rebuilds a read model from the whole event store while the service serves, and exits 0 once done.
            Each read model folds the history in memory on one node (this process or a running one) and writes
            each item once, over its old value: readers never see a partial value, and the other read models
            never stop. The search index is filled as a new generation and swapped in; a local (Lucene) index
            is rebuilt only by the process that serves it.

            Read models:
            %s  --all                  all of them, one after the other

            The running service does the same with POST /admin/projections/NAME/rebuild.
            Examples:
              java -jar app/target/quarkus-app/quarkus-run.jar rebuild totals
              java -jar app/target/quarkus-app/quarkus-run.jar rebuild --all
            """.formatted(readModelLines());

    /** One entry per rebuildable read model, its summary's lines aligned. */
    private static String readModelLines() {
        StringBuilder lines = new StringBuilder();
        for (ReadModel model : ReadModels.all()) {
            if (!model.rebuildable()) {
                continue;
            }
            String[] summary = model.summary().split("\n");
            lines.append(String.format("  %-22s %s%n", model.name(), summary[0]));
            for (int i = 1; i < summary.length; i++) {
                lines.append(" ".repeat(25)).append(summary[i]).append('\n');
            }
        }
        return lines.toString();
    }

    /** The read models that the arguments name; throws IllegalArgumentException with a one-line reason. */
    static List<String> parse(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("needs one read model name or --all");
        }
        if (args[1].equals("--all")) {
            return READ_MODELS;
        }
        if (!READ_MODELS.contains(args[1])) {
            throw new IllegalArgumentException("unknown read model '" + args[1] + "'; read models are " + READ_MODELS);
        }
        return List.of(args[1]);
    }

    private final ProjectionControl control;
    private final Rebuilds rebuilds;

    RebuildCommand(ProjectionControl control, Rebuilds rebuilds) {
        this.control = control;
        this.rebuilds = rebuilds;
    }

    /** Exit 0 when every named read model has been rebuilt; 1 when one was refused or did not catch up. */
    int run(List<String> names, PrintStream out, PrintStream err, Duration timeout) {
        for (String name : names) {
            Optional<RebuildCoordinator.Rebuild> folded;
            try {
                folded = rebuilds.start(name);
            } catch (ProjectionControl.RebuildRefused | RebuildCoordinator.Refused refused) {
                err.println("invoice-streams: rebuild: " + refused.getMessage());
                return 1;
            }
            ProgressBar bar = new ProgressBar(name, out, System.console() != null);
            if (folded.isPresent()) {
                int exit = awaitFolded(folded.get(), bar, out, err, timeout);
                if (exit != 0) {
                    return exit;
                }
                continue;
            }
            if (!control.awaitCaughtUp(name, timeout, Duration.ofMillis(500), bar::show)) {
                out.println();
                err.println("invoice-streams: rebuild: " + name + " did not catch up within " + timeout
                        + "; it goes on replaying when the service runs. See GET /projections.");
                return 1;
            }
            rebuilds.complete(name);
        }
        return 0;
    }

    /** Follows a folded rebuild, run by this process or by a serving node, to its end. */
    private int awaitFolded(RebuildCoordinator.Rebuild asked, ProgressBar bar, PrintStream out, PrintStream err,
                            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            RebuildCoordinator.Rebuild now = rebuilds.folded(asked.name()).orElseThrow();
            boolean same = now.requested().equals(asked.requested());
            if (!same || now.state() == RebuildCoordinator.State.FAILED) {
                out.println();
                err.println("invoice-streams: rebuild: " + asked.name() + (same ? " failed: " + now.message()
                        : " was asked for again meanwhile; see GET /projections"));
                return 1;
            }
            boolean done = now.state() == RebuildCoordinator.State.DONE;
            bar.show(new Progress(asked.name(), Math.max(0, now.position()), now.target(), done));
            if (done) {
                out.println("  " + now.message() + (now.owner() == null ? "" : " by " + now.owner()));
                return 0;
            }
            if (System.nanoTime() > deadline) {
                out.println();
                err.println("invoice-streams: rebuild: " + asked.name() + " did not end within " + timeout
                        + "; it goes on on " + now.owner() + ". See GET /projections.");
                return 1;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    /** One line that redraws itself on a terminal; a line every five seconds elsewhere (CI logs). */
    static final class ProgressBar {
        private final String name;
        private final PrintStream out;
        private final boolean terminal;
        private final long started = System.nanoTime();
        private long lastPrinted;
        private long first = -2;

        ProgressBar(String name, PrintStream out, boolean terminal) {
            this.name = name;
            this.out = out;
            this.terminal = terminal;
        }

        void show(Progress progress) {
            long now = System.nanoTime();
            if (first == -2) {
                first = progress.position();
            }
            if (!progress.done() && !terminal && now - lastPrinted < Duration.ofSeconds(5).toNanos()) {
                return;
            }
            lastPrinted = now;
            out.print((terminal ? "\r" : "") + line(progress, (now - started) / 1e9) + (terminal && !progress.done() ? "" : "\n"));
            out.flush();
        }

        String line(Progress progress, double seconds) {
            // Positions are the store's global indexes, which start at 1 and may have gaps: close to a count.
            long total = Math.max(0, progress.target());
            long done = progress.done() ? total : Math.max(0, progress.position());
            double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
            int width = 30;
            int filled = (int) Math.round(fraction * width);
            double rate = seconds <= 0 ? 0 : (done - Math.max(0, first)) / seconds;
            String eta = rate <= 0 || progress.done() ? "--:--" : clock((long) ((total - done) / rate));
            return String.format("%-20s [%s%s] %3d%% %,d/%,d events %,.0f events/s ETA %s%s", name,
                    "#".repeat(filled), "-".repeat(width - filled), Math.round(fraction * 100), done, total, rate, eta,
                    progress.done() ? " done" : "");
        }

        private static String clock(long seconds) {
            return String.format("%d:%02d", seconds / 60, seconds % 60);
        }
    }
}
