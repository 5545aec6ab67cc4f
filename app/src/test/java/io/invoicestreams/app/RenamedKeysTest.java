package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.app.readmodel.ReadModelsConfig;
import io.invoicestreams.app.source.StreamConfig;
import io.invoicestreams.app.totals.TotalsConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys renamed by the grouping by feature: the old name is still read for one release; the new one wins. */
class RenamedKeysTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withInterceptors(new RenamedKeys())
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withMapping(ReadModelsConfig.class)
                .withMapping(TotalsConfig.class)
                .withMapping(StreamConfig.class)
                .build();
    }

    @Test
    void an_old_key_is_read_under_its_new_name() {
        SmallRyeConfig config = config(Map.of(
                "invoice.projections.batch-size", "7",
                "invoice.projections.totals-table", "OldTotals",
                "invoice.projections.coalesce-totals", "false",
                "invoice.stream.max-error-backoff", "5s"));

        assertThat(config.getConfigMapping(ReadModelsConfig.class).processing().batchSize()).isEqualTo(7);
        assertThat(config.getConfigMapping(TotalsConfig.class).table()).isEqualTo("OldTotals");
        assertThat(config.getConfigMapping(TotalsConfig.class).coalesce()).isFalse();
        assertThat(config.getConfigMapping(StreamConfig.class).maxErrorBackoff()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void the_new_key_wins_over_the_old_one_and_the_defaults_stay_when_neither_is_set() {
        SmallRyeConfig config = config(Map.of(
                "invoice.projections.totals-table", "OldTotals",
                "invoice.read-models.totals.table", "NewTotals"));

        assertThat(config.getConfigMapping(TotalsConfig.class).table()).isEqualTo("NewTotals");
        assertThat(config.getConfigMapping(TotalsConfig.class).writeConcurrency()).isEqualTo(8);
        assertThat(config.getConfigMapping(ReadModelsConfig.class).processing().segments()).isEqualTo(4);
    }

    @Test
    void every_renamed_key_names_a_key_of_a_mapping() {
        assertThat(RenamedKeys.RENAMED.keySet()).isNotEmpty().allSatisfy(key ->
                assertThat(key).matches("invoice\\.(read-models|source\\.dynamodb-streams)\\.[a-z.-]+"));
        // The names before ADR 0019, and one key of the first grouped release renamed when its fixed pool went.
        assertThat(RenamedKeys.RENAMED.values()).allSatisfy(old -> assertThat(old)
                .matches("invoice\\.(projections|stream)\\.[a-z-]+|invoice\\.source\\.dynamodb-streams\\.max-shard-workers"));
    }
}
