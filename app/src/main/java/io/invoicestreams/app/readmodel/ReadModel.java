package io.invoicestreams.app.readmodel;

import java.util.Objects;

/**
 * What a read model is, said once: every list that names read models (the processors, the dead-letter groups, the
 * rebuild command's list and help, {@code GET /projections}, the native reflection) is derived from these.
 *
 * @param name         its processing group: its tokens, its dead letters and its name in the API and the CLI
 * @param summary      one line for the rebuild help
 * @param handlerType  the class of its event handler, which a native image must keep for reflection
 * @param rebuildable  a rebuild clears it and replays the whole store into it; false for read models whose
 *                     replay would repeat side effects (notifications) or whose output is append-only (the archive)
 * @param historyIsNew on the processor's first start, handle the events already stored as new ones rather than as
 *                     a replay (the archive, introduced into a running installation, must hold what came before)
 * @param deadLetters  an event that fails on its own is parked in the group's dead-letter queue
 */
public record ReadModel(String name, String summary, Class<?> handlerType, boolean rebuildable, boolean historyIsNew,
                        boolean deadLetters) {

    public ReadModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(handlerType, "handlerType");
    }
}
