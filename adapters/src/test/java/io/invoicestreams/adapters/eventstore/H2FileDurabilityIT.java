package io.invoicestreams.adapters.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.adapters.support.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit to the embedded H2 file store survives kill -9 of the process right after it. With H2's default write
 * delay this fails: the rows of the last second, here all of them, are gone after the restart.
 */
class H2FileDurabilityIT {

    static final int COMMITS = 200;

    @TempDir
    Path dir;

    /** The child: {@value #COMMITS} commits of one row each, then a halt as under kill -9. Argument: the folder. */
    public static void main(String[] args) throws Exception {
        DataSource db = EventStoreDatabase.pool(EventStoreDatabase.h2FileUrl(Path.of(args[0])), "sa", "", 1);
        try (Connection c = db.getConnection()) {
            c.createStatement().execute("create table committed_rows (id int primary key)");
            c.setAutoCommit(false);
            for (int i = 1; i <= COMMITS; i++) {
                c.createStatement().execute("insert into committed_rows values (" + i + ")");
                c.commit();
            }
        }
        Runtime.getRuntime().halt(137);
    }

    @Test
    void every_commit_before_a_kill_is_there_after_the_restart() throws Exception {
        Process child = ChildJvm.start(H2FileDurabilityIT.class, dir.resolve("child.log"), dir.toString());
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(() -> "halted; output: " + read(dir.resolve("child.log"))).isEqualTo(137);

        DataSource db = EventStoreDatabase.pool(EventStoreDatabase.h2FileUrl(dir), "sa", "", 1);
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement()
                .executeQuery("select count(*), max(id) from committed_rows")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(COMMITS);
            assertThat(r.getLong(2)).isEqualTo(COMMITS);
        } finally {
            ((AutoCloseable) db).close();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
