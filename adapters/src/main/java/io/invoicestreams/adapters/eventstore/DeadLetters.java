package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.adapters.Failures;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.deadletter.jdbc.DeadLetterSchema;
import org.axonframework.eventhandling.deadletter.jdbc.GenericDeadLetterTableFactory;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcDeadLetter;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcSequencedDeadLetterQueue;
import org.axonframework.messaging.deadletter.Cause;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.axonframework.serialization.Serializer;

/**
 * Axon's JDBC dead-letter queue of every processing group (ADRs 0013 and 0014). An event
 * whose handler fails is parked with its cause, and so are the later events of the same invoice (the sequence),
 * while other invoices go on. Parked events are retried with capped exponential backoff ({@link #retryDue}), or at
 * once by an operator ({@link #retryAll}); an operator can also evict one ({@link #evict}).
 *
 * <p>The attempts so far are kept in the letter's diagnostics under {@value #ATTEMPTS}.
 */
public final class DeadLetters {

    /** The diagnostics key of the number of failed attempts. */
    public static final String ATTEMPTS = "attempts";

    /** The table of every processing group's dead letters. */
    public static final String TABLE = "dead_letter_entry";

    private DeadLetters() {
    }

    /** Creates the table if missing, with names that stay unique in the schema and BYTEA for PostgreSQL. */
    public static void createSchema(JdbcTransactions transactions) {
        queue("schema", transactions, InvoiceEventStore.serializer()).createSchema(new TableFactory());
    }

    static JdbcSequencedDeadLetterQueue<EventMessage<?>> queue(String processingGroup, JdbcTransactions transactions,
                                                               Serializer serializer) {
        return JdbcSequencedDeadLetterQueue.<EventMessage<?>>builder()
                .processingGroup(processingGroup)
                .connectionProvider(transactions)
                .transactionManager(transactions)
                .schema(schema())
                .genericSerializer(serializer)
                .eventSerializer(serializer)
                .maxSequences(100_000)
                .maxSequenceSize(10_000)
                .claimDuration(Duration.ofSeconds(30))
                .build();
    }

    private static DeadLetterSchema schema() {
        return DeadLetterSchema.builder().deadLetterTable(TABLE).build();
    }

    /**
     * A failure of the event itself is parked, counting the attempts; a letter stays until it succeeds or is
     * evicted. A passing failure of a part ({@link Failures#isTransient}: the store is down, throttling) is not the
     * event's fault: on first handling it fails the batch, which the processor retries with its backoff, so an
     * outage parks nothing. A parked letter whose retry meets an outage stays parked and counts the attempt.
     */
    static EnqueuePolicy<EventMessage<?>> policy() {
        return (letter, cause) -> {
            boolean parked = letter instanceof JdbcDeadLetter<?>;
            if (!parked && Failures.isTransient(cause)) {
                throw new PartUnavailable(cause);
            }
            return Decisions.requeue(cause, l -> l.diagnostics().and(ATTEMPTS, attempts(l) + 1));
        };
    }

    /** Fails a batch whose handler met a passing failure, so that the processor retries it instead of parking. */
    static final class PartUnavailable extends RuntimeException {
        PartUnavailable(Throwable cause) {
            super("not parked, the batch is retried: " + cause, cause);
        }
    }

    static int attempts(DeadLetter<?> letter) {
        Object value = letter.diagnostics().get(ATTEMPTS);
        return value instanceof Number n ? n.intValue() : value == null ? 0 : Integer.parseInt(value.toString());
    }

    /** One parked event, as {@code dlq list} and {@code GET /admin/dlq/{group}} show it. */
    public record Letter(String id, String sequence, long index, String eventType, String eventId,
                         Instant enqueuedAt, Instant lastTouched, int attempts, String causeType,
                         String causeMessage) {
    }

    /**
     * How long a letter waits after its n-th failed attempt: {@code initial × 2^(n-1)}, at most {@code max}.
     */
    public record Backoff(Duration initial, Duration max) {
        public Backoff {
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff must have 0 < initial <= max, was " + initial + " and "
                        + max);
            }
        }

        public Duration after(int attempts) {
            int doublings = Math.max(0, Math.min(30, attempts - 1));
            Duration wait = initial.multipliedBy(1L << doublings);
            return wait.compareTo(max) > 0 ? max : wait;
        }
    }

    /** The dead letters of the processing groups of one running event store. */
    public static final class Queues {
        private final Configuration configuration;
        private final JdbcTransactions transactions;
        private final List<String> groups;
        private final Clock clock;
        private final Backoff backoff;

        public Queues(InvoiceEventStore store, List<String> groups, Clock clock, Backoff backoff) {
            this.configuration = store.configuration();
            this.transactions = store.transactions().withSavepoints();
            this.groups = List.copyOf(groups);
            this.clock = Objects.requireNonNull(clock, "clock");
            this.backoff = Objects.requireNonNull(backoff, "backoff");
        }

        /** The processing groups that have a dead-letter queue. */
        public List<String> groups() {
            return groups;
        }

        /** Every parked event of the group, oldest sequence first, in order within a sequence. */
        public List<Letter> list(String group) {
            List<Letter> letters = new ArrayList<>();
            for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue(group).deadLetters()) {
                for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
                    letters.add(describe(letter));
                }
            }
            return letters;
        }

        /** How many events the group has parked. */
        public long size(String group) {
            return queue(group).size();
        }

        /**
         * Retries every sequence now, whatever its backoff; a sequence whose head fails again stays parked.
         *
         * @return how many sequences were processed to their end
         */
        public int retryAll(String group) {
            return retry(group, letter -> true);
        }

        /**
         * Retries one sequence (an invoice's parked events, in order) now, whatever its backoff.
         *
         * @return true when it was processed to its end; false when its head failed again or it has no letters
         */
        public boolean retrySequence(String group, String sequence) {
            return retry(group, letter -> ((JdbcDeadLetter<?>) letter).getSequenceIdentifier().equals(sequence)) > 0;
        }

        /** Retries the sequences whose backoff has passed; the service calls it on a timer. */
        public int retryDue(String group) {
            Instant now = clock.instant();
            return retry(group, letter -> !letter.lastTouched().plus(backoff.after(attempts(letter))).isAfter(now));
        }

        private int retry(String group, java.util.function.Predicate<DeadLetter<? extends EventMessage<?>>> due) {
            queue(group); // an unknown group is refused first
            SequencedDeadLetterProcessor<EventMessage<?>> processor = configuration.eventProcessingConfiguration()
                    .sequencedDeadLetterProcessor(group).orElseThrow(() -> new IllegalStateException("the processing"
                            + " group '" + group + "' does not run in this process, so its parked events cannot be"
                            + " retried here; retry them on the running service: POST /admin/dlq/" + group
                            + "/retry"));
            // Each call takes one due sequence; a failing head is touched again, so it is not due in this round.
            long rounds = queue(group).amountOfSequences();
            int done = 0;
            java.util.Set<String> tried = new java.util.HashSet<>();
            for (long i = 0; i < rounds; i++) {
                boolean processed = processor.process(letter -> due.test(letter)
                        && tried.add(((JdbcDeadLetter<?>) letter).getSequenceIdentifier()));
                if (processed) {
                    done++;
                }
            }
            return done;
        }

        /** Removes one parked event for good; the next of its sequence becomes the head. False if there is none. */
        public boolean evict(String group, String letterId) {
            SequencedDeadLetterQueue<EventMessage<?>> queue = queue(group);
            for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue.deadLetters()) {
                for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
                    if (((JdbcDeadLetter<?>) letter).getIdentifier().equals(letterId)) {
                        queue.evict(letter);
                        return true;
                    }
                }
            }
            return false;
        }

        private SequencedDeadLetterQueue<EventMessage<?>> queue(String group) {
            if (!groups.contains(group)) {
                throw unknown(group);
            }
            // Where the group's processor does not run in this process, the queue is read and changed directly.
            return configuration.eventProcessingConfiguration().deadLetterQueue(group)
                    .orElseGet(() -> DeadLetters.queue(group, transactions, configuration.eventSerializer()));
        }

        private IllegalArgumentException unknown(String group) {
            return new IllegalArgumentException("processing group '" + group + "' has no dead-letter queue; groups"
                    + " with one: " + groups);
        }

        private static Letter describe(DeadLetter<? extends EventMessage<?>> letter) {
            JdbcDeadLetter<?> jdbc = (JdbcDeadLetter<?>) letter;
            EventMessage<?> message = letter.message();
            Optional<Cause> cause = letter.cause();
            return new Letter(jdbc.getIdentifier(), jdbc.getSequenceIdentifier(), jdbc.getSequenceIndex(),
                    message.getPayloadType().getSimpleName(), message.getIdentifier(), letter.enqueuedAt(),
                    letter.lastTouched(), attempts(letter), cause.map(Cause::type).orElse(null),
                    cause.map(Cause::message).orElse(null));
        }
    }

    /** Axon's table with IF NOT EXISTS on the indexes, names unique in the schema, and BYTEA (PostgreSQL). */
    private static final class TableFactory extends GenericDeadLetterTableFactory {
        @Override
        protected String createTableSql(DeadLetterSchema schema) {
            return super.createTableSql(schema)
                    .replace("CONSTRAINT PK PRIMARY KEY", "CONSTRAINT " + TABLE + "_pk PRIMARY KEY")
                    .replace("CONSTRAINT sequenceIndex_INDEX", "CONSTRAINT " + TABLE + "_sequence_index");
        }

        @Override
        protected String processingGroupIndexSql(DeadLetterSchema schema) {
            return "CREATE INDEX IF NOT EXISTS " + TABLE + "_group_index ON " + TABLE + " ("
                    + schema.processingGroupColumn() + ")";
        }

        @Override
        protected String sequenceIdentifierIndexSql(DeadLetterSchema schema) {
            return "CREATE INDEX IF NOT EXISTS " + TABLE + "_sequence_id_index ON " + TABLE + " ("
                    + schema.processingGroupColumn() + "," + schema.sequenceIdentifierColumn() + ")";
        }

        @Override
        protected String serializedDataType() {
            return "BYTEA";
        }
    }
}
