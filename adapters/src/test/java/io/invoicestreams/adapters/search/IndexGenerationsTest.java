package io.invoicestreams.adapters.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.adapters.search.IndexGenerations.Alias;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The rebuild protocol both engines share, on an engine in memory that records what it was asked. */
class IndexGenerationsTest {

    private static final class Memory implements IndexGenerations.Engine {
        final Map<Alias, String> aliases = new EnumMap<>(Alias.class);
        final TreeSet<String> generations = new TreeSet<>();
        final List<String> calls = new ArrayList<>();
        int created;

        @Override
        public Optional<String> named(Alias alias) {
            return Optional.ofNullable(aliases.get(alias));
        }

        @Override
        public String createNext() {
            String name = "g" + (++created);
            generations.add(name);
            calls.add("create " + name);
            return name;
        }

        @Override
        public void point(Alias alias, String generation) {
            aliases.put(alias, generation);
            calls.add(alias + " -> " + generation);
        }

        @Override
        public void unpoint(Alias alias) {
            aliases.remove(alias);
            calls.add("unpoint " + alias);
        }

        @Override
        public void promote(String generation) {
            aliases.put(Alias.CURRENT, generation);
            aliases.remove(Alias.BUILDING);
            calls.add("promote " + generation);
        }

        @Override
        public void drop(String generation) {
            generations.remove(generation);
            calls.add("drop " + generation);
        }
    }

    @Test
    void a_new_index_gets_its_first_generation_and_an_existing_one_is_left_as_it_is() {
        Memory engine = new Memory();
        new IndexGenerations(engine);
        assertThat(engine.calls).containsExactly("create g1", "CURRENT -> g1");

        engine.calls.clear();
        new IndexGenerations(engine);
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void an_abandoned_rebuild_drops_its_generation_and_leaves_the_current_one() {
        Memory engine = new Memory();
        IndexGenerations generations = new IndexGenerations(engine);
        generations.begin();
        engine.calls.clear();

        generations.abandon();
        generations.abandon();

        assertThat(engine.calls).containsExactly("unpoint BUILDING", "drop g2");
        assertThat(generations.rebuilding()).isFalse();
        assertThat(engine.aliases).containsExactly(Map.entry(Alias.CURRENT, "g1"));
        assertThat(engine.generations).containsExactly("g1");
    }

    @Test
    void a_rebuild_fills_a_new_generation_and_swaps_it_in_when_complete() {
        Memory engine = new Memory();
        IndexGenerations generations = new IndexGenerations(engine);
        assertThat(generations.rebuilding()).isFalse();

        generations.begin();
        assertThat(generations.rebuilding()).isTrue();
        assertThat(engine.aliases).containsEntry(Alias.CURRENT, "g1").containsEntry(Alias.BUILDING, "g2");

        generations.complete();
        assertThat(generations.rebuilding()).isFalse();
        assertThat(engine.aliases).containsExactly(Map.entry(Alias.CURRENT, "g2"));
        assertThat(engine.generations).containsExactly("g2");
        generations.complete(); // idempotent
        assertThat(engine.calls).containsExactly("create g1", "CURRENT -> g1", "create g2", "BUILDING -> g2",
                "promote g2", "drop g1");
    }

    @Test
    void a_second_rebuild_abandons_the_first_and_drops_its_generation_after_the_new_one_takes_the_writes() {
        Memory engine = new Memory();
        IndexGenerations generations = new IndexGenerations(engine);
        generations.begin();
        generations.begin();

        assertThat(engine.aliases).containsEntry(Alias.CURRENT, "g1").containsEntry(Alias.BUILDING, "g3");
        assertThat(engine.generations).containsExactly("g1", "g3");
        assertThat(engine.calls.subList(4, 7)).containsExactly("create g3", "BUILDING -> g3", "drop g2");
    }

    @Test
    void a_restart_during_a_rebuild_goes_on_filling_the_same_generation() {
        Memory engine = new Memory();
        new IndexGenerations(engine).begin();

        IndexGenerations restarted = new IndexGenerations(engine);
        assertThat(restarted.rebuilding()).isTrue();
        restarted.complete();
        assertThat(engine.aliases).containsExactly(Map.entry(Alias.CURRENT, "g2"));
    }
}
