package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import java.util.Objects;
import java.util.Optional;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventhandling.tokenstore.UnableToInitializeTokenException;

/**
 * Shard ownership and checkpoints, kept in Axon's token store: each shard is a one-segment "processor" whose
 * token is a {@link ShardCheckpoint}. A node owns a shard while it holds that token's claim; the claim times
 * out when the node dies, and another node takes the shard over from the last checkpoint. Storing a checkpoint
 * fails when the claim was lost, which rolls the batch back: two nodes never both commit one shard's records.
 */
public final class ShardLeases {

    private static final int SEGMENT = 0;

    private final TokenStore tokenStore;
    private final JdbcTransactions transactions;

    public ShardLeases(TokenStore tokenStore, JdbcTransactions transactions) {
        this.tokenStore = Objects.requireNonNull(tokenStore, "tokenStore");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    /**
     * The token name of a shard: the stream's label (its creation time, the last part of the ARN) and the shard
     * id, so shards of a re-enabled stream never collide with the old stream's.
     */
    public static String leaseName(String streamArn, String shardId) {
        String label = streamArn.substring(streamArn.lastIndexOf('/') + 1);
        return "ddb-stream:" + label + ":" + shardId;
    }

    /** Claims the shard for this node, creating its checkpoint at the start if it has none. */
    public Optional<ShardCheckpoint> claim(String leaseName) {
        try {
            return Optional.of(transactions.fetchInTransaction(() -> (ShardCheckpoint) fetchOrInitialise(leaseName)));
        } catch (UnableToClaimTokenException ownedElsewhere) {
            return Optional.empty();
        }
    }

    private TrackingToken fetchOrInitialise(String leaseName) {
        try {
            return tokenStore.fetchToken(leaseName, SEGMENT);
        } catch (UnableToClaimTokenException e) {
            if (tokenStore.fetchSegments(leaseName).length > 0) {
                throw e;
            }
            try {
                tokenStore.initializeSegment(ShardCheckpoint.atStart(), leaseName, SEGMENT);
            } catch (UnableToInitializeTokenException raced) {
                // another node created it first; the fetch below claims or reports it as owned
            }
            return tokenStore.fetchToken(leaseName, SEGMENT);
        }
    }

    /**
     * Another node holds the lease now (this one was silent past the claim timeout): whatever this node read of the
     * shard since its last checkpoint is left to the new holder.
     */
    public static final class LeaseLost extends IllegalStateException {
        LeaseLost(String leaseName, Throwable cause) {
            super("the lease " + leaseName + " is held by another node", cause);
        }
    }

    /** Stores the checkpoint inside the caller's transaction; throws {@link LeaseLost} when another node holds it. */
    public void checkpoint(String leaseName, ShardCheckpoint checkpoint) {
        try {
            tokenStore.storeToken(checkpoint, leaseName, SEGMENT);
        } catch (UnableToClaimTokenException e) {
            throw new LeaseLost(leaseName, e);
        }
    }

    /** Stores the checkpoint in a transaction of its own, such as the end of a shard with no last records. */
    public void checkpointAlone(String leaseName, ShardCheckpoint checkpoint) {
        transactions.executeInTransaction(() -> checkpoint(leaseName, checkpoint));
    }

    /** Keeps the claim alive while the shard is idle; throws {@link LeaseLost} when another node holds it. */
    public void extend(String leaseName) {
        transactions.executeInTransaction(() -> {
            try {
                tokenStore.extendClaim(leaseName, SEGMENT);
            } catch (UnableToClaimTokenException e) {
                throw new LeaseLost(leaseName, e);
            }
        });
    }

    public void release(String leaseName) {
        try {
            transactions.executeInTransaction(() -> tokenStore.releaseClaim(leaseName, SEGMENT));
        } catch (RuntimeException ignored) {
            // the claim times out by itself
        }
    }
}
