package io.invoicestreams.app.readmodel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.invoicestreams.adapters.eventstore.DeadLetters;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.app.CliText;
import io.quarkus.arc.All;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A read model is described once ({@link ReadModels}) and every list that names read models is derived from the
 * descriptions. Each check fails when a read model is missing from one of those lists: its feature does not bind it,
 * its processor is not registered, its dead letters are not listed, the CLI's help or checks leave it out, the
 * native image would not keep its handler, or {@code GET /projections} does not show it.
 */
@QuarkusTest
class ReadModelsIT {

    @Inject
    @All
    List<ReadModelBinding> bindings;

    @Inject
    ProjectionControl projections;

    @Inject
    DeadLetters.Queues deadLetters;

    @Inject
    Rebuilds rebuilds;

    @Test
    void every_read_model_is_bound_once_by_its_feature() {
        assertThat(bindings).extracting(ReadModelBinding::model)
                .containsExactlyInAnyOrderElementsOf(ReadModels.all());
        // The test profile runs the whole service, notifications included: every binding has its handler here.
        assertThat(bindings).allSatisfy(b -> {
            assertThat(b.enabled()).as(b.name()).isTrue();
            assertThat(b.handler()).as(b.name()).containsInstanceOf(b.model().handlerType());
        });
    }

    @Test
    void every_read_model_runs_as_its_own_processing_group_and_is_listed_by_the_api() {
        assertThat(projections.names()).isEqualTo(names(ReadModels.all()));
        List<String> listed = given().header("X-API-Key", "test-read-key-0123456789").get("/projections")
                .then().statusCode(200).extract().jsonPath().getList("projections.name", String.class);
        assertThat(new TreeSet<>(listed)).isEqualTo(names(ReadModels.all()));
    }

    @Test
    void the_dead_letter_groups_are_the_read_models_that_park() {
        assertThat(deadLetters.groups()).containsExactlyInAnyOrderElementsOf(ReadModels.withDeadLetters());
        assertThat(ReadModels.withDeadLetters()).hasSize(ReadModels.values().length); // every group parks today
        assertThat(CliText.dlqUsage()).contains(String.join(", ", ReadModels.withDeadLetters()));
    }

    @Test
    void rebuild_takes_exactly_the_rebuildable_read_models() {
        List<String> rebuildable = ReadModels.rebuildable();
        assertThat(rebuildable).containsExactly("totals", "country-verification", "search");
        assertThat(rebuilds.names()).isEqualTo(new TreeSet<>(rebuildable));
        for (ReadModel model : ReadModels.all()) {
            String[] args = {"rebuild", model.name()};
            assertThat(CliText.check(args)).as(model.name()).isEqualTo(model.rebuildable() ? -1 : 2);
            if (model.rebuildable()) {
                assertThat(CliText.rebuildUsage()).contains("  " + model.name() + " ");
                assertThat(CliText.usage()).contains(model.name());
            }
        }
        // A read model that is not rebuildable is refused by its processor's own guard (@DisallowReplay).
        assertThatThrownBy(() -> rebuilds.start("notifications"))
                .isInstanceOf(ProjectionControl.RebuildRefused.class).hasMessageContaining("cannot be rebuilt");
        assertThatThrownBy(() -> rebuilds.start("no-such-model")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no read model named 'no-such-model' runs here");
    }

    @Test
    void a_native_image_keeps_every_handler() {
        assertThat(CliText.nativeReflectionTargets()).containsAll(ReadModels.all().stream()
                .<Class<?>>map(ReadModel::handlerType).toList());
    }

    private static Set<String> names(List<ReadModel> models) {
        return new TreeSet<>(models.stream().map(ReadModel::name).toList());
    }
}
