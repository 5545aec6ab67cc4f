package io.invoicestreams.adapters.search;

import java.util.Objects;
import java.util.Optional;

/**
 * The rebuild protocol of the search index, the same for every engine (ADR 0012). An index is a series of
 * generations behind two aliases: {@code CURRENT} names the generation searches read, and during a rebuild
 * {@code BUILDING} names the one the replay fills, which takes the writes. A rebuild starts a new empty generation
 * behind {@code BUILDING} (dropping an abandoned one) and ends by pointing {@code CURRENT} at it and dropping the old
 * one. A process that restarts during a rebuild finds {@code BUILDING} and goes on filling it.
 */
final class IndexGenerations {

    enum Alias { CURRENT, BUILDING }

    /** What an engine does with its generations and aliases; the protocol above is written once, here. */
    interface Engine {
        /** The generation an alias names, if any. */
        Optional<String> named(Alias alias);

        /** Creates a new, empty generation with a name never used before, and returns that name. */
        String createNext();

        /** Points an alias at a generation, replacing what it named. */
        void point(Alias alias, String generation);

        /** Removes an alias; the generation it named stays. */
        void unpoint(Alias alias);

        /** Points {@code CURRENT} at the generation and removes {@code BUILDING}, atomically where it can. */
        void promote(String generation);

        /** Deletes a generation that no alias names any more. */
        void drop(String generation);
    }

    private final Engine engine;

    /** Makes sure {@code CURRENT} names a generation, creating the first one if none does. */
    IndexGenerations(Engine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
        if (engine.named(Alias.CURRENT).isEmpty()) {
            engine.point(Alias.CURRENT, engine.createNext());
        }
    }

    /** Starts filling a new generation; a rebuild under way is abandoned and its generation dropped. */
    synchronized void begin() {
        Optional<String> abandoned = engine.named(Alias.BUILDING);
        String fresh = engine.createNext();
        engine.point(Alias.BUILDING, fresh);
        abandoned.ifPresent(engine::drop);
    }

    /** True while a rebuild fills a generation that searches do not read yet. */
    boolean rebuilding() {
        return engine.named(Alias.BUILDING).isPresent();
    }

    /** Drops the generation a rebuild was filling, if any; the current one takes the writes again. */
    synchronized void abandon() {
        Optional<String> building = engine.named(Alias.BUILDING);
        if (building.isPresent()) {
            engine.unpoint(Alias.BUILDING);
            engine.drop(building.get());
        }
    }

    /** Searches read the rebuilt generation from now on, and the old one is dropped. Idempotent. */
    synchronized void complete() {
        Optional<String> building = engine.named(Alias.BUILDING);
        if (building.isEmpty()) {
            return;
        }
        String old = engine.named(Alias.CURRENT).orElseThrow(() ->
                new IllegalStateException("no generation behind the current alias"));
        engine.promote(building.get());
        engine.drop(old);
    }
}
