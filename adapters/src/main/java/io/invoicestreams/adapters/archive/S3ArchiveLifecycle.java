package io.invoicestreams.adapters.archive;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLifecycleConfiguration;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Transition;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

/**
 * The archive's retention as S3 lifecycle rules: one for the archive prefix and one for the error prefix, whose
 * objects are audit data too. PutBucketLifecycleConfiguration replaces a bucket's whole configuration, so the rules of
 * other owners are read first and kept; only the rules with this service's ids are replaced.
 *
 * <p>On a versioned bucket, a noncurrent version (left by a retried write, or by a deletion) is kept as long as a
 * current one, so that no version of an audit object goes before its seven years.
 */
public final class S3ArchiveLifecycle implements ArchiveLifecycle {

    static final String RULE_ID = "invoice-streams-archive";
    static final String ERRORS_RULE_ID = "invoice-streams-archive-errors";
    private static final Set<String> OURS = Set.of(RULE_ID, ERRORS_RULE_ID);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3ArchiveLifecycle(S3Client s3, String bucket, String prefix) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /** This service's rules for the retention. */
    List<LifecycleRule> rules(ArchiveRetention retention) {
        return List.of(rule(RULE_ID, prefix, retention), rule(ERRORS_RULE_ID, ArchiveFlusher.ERROR_PREFIX, retention));
    }

    private static LifecycleRule rule(String id, String prefix, ArchiveRetention retention) {
        return LifecycleRule.builder()
                .id(id)
                .filter(f -> f.prefix(prefix))
                .status(ExpirationStatus.ENABLED)
                .transitions(
                        Transition.builder().days(retention.infrequentAccessDays())
                                .storageClass(TransitionStorageClass.STANDARD_IA).build(),
                        Transition.builder().days(retention.glacierDays())
                                .storageClass(TransitionStorageClass.GLACIER).build())
                .expiration(e -> e.days(retention.expireDays()))
                .noncurrentVersionExpiration(n -> n.noncurrentDays(retention.expireDays()))
                .build();
    }

    /** The bucket's rules now; empty when it has no lifecycle configuration. */
    List<LifecycleRule> current() {
        try {
            return s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules();
        } catch (S3Exception e) {
            if (e.awsErrorDetails() != null && "NoSuchLifecycleConfiguration".equals(e.awsErrorDetails().errorCode())) {
                return List.of();
            }
            throw refused("cannot read the lifecycle configuration of s3://" + bucket, e);
        } catch (SdkException e) {
            throw refused("cannot read the lifecycle configuration of s3://" + bucket, e);
        }
    }

    @Override
    public Outcome apply(ArchiveRetention retention, boolean dryRun) {
        List<LifecycleRule> current = current();
        List<LifecycleRule> kept = current.stream().filter(r -> !OURS.contains(r.id())).toList();
        List<LifecycleRule> ours = rules(retention);
        List<LifecycleRule> wanted = new ArrayList<>(kept);
        wanted.addAll(ours);
        List<String> lines = new ArrayList<>();
        lines.add("Bucket s3://" + bucket + ": " + retention + ".");
        for (LifecycleRule rule : ours) {
            LifecycleRule before = current.stream().filter(r -> r.id().equals(rule.id())).findFirst().orElse(null);
            lines.add("  rule " + rule.id() + " on prefix '" + rule.filter().prefix() + "': "
                    + (before == null ? "new" : describe(before).equals(describe(rule)) ? "unchanged"
                    : "replaces " + describe(before)));
        }
        for (LifecycleRule rule : kept) {
            lines.add("  rule " + rule.id() + " (not this service's): kept as it is");
        }
        if (same(current, wanted)) {
            lines.add("Nothing to change.");
            return new Outcome(false, lines);
        }
        if (dryRun) {
            lines.add("Dry run: nothing changed. Run without --dry-run to apply.");
            return new Outcome(false, lines);
        }
        try {
            s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                    .lifecycleConfiguration(BucketLifecycleConfiguration.builder().rules(wanted).build()));
        } catch (SdkException e) {
            throw refused("s3://" + bucket + " refused the lifecycle configuration", e);
        }
        lines.add("Applied. S3 runs lifecycle rules about once a day; objects under 128 KB stay in STANDARD"
                + " unless the bucket's transition minimum says otherwise.");
        return new Outcome(true, lines);
    }

    /** The same rules, whatever order S3 returns them and their transitions in. */
    private static boolean same(List<LifecycleRule> a, List<LifecycleRule> b) {
        return a.stream().map(r -> r.id() + ": " + describe(r)).sorted().toList()
                .equals(b.stream().map(r -> r.id() + ": " + describe(r)).sorted().toList());
    }

    /** What a rule does, in words: status, prefix, transitions by day, expiry. */
    static String describe(LifecycleRule rule) {
        String prefix = rule.filter() != null && rule.filter().prefix() != null ? rule.filter().prefix()
                : rule.prefix() != null ? rule.prefix() : "";
        StringBuilder text = new StringBuilder(rule.statusAsString()).append(" on '").append(prefix).append('\'');
        for (Transition t : rule.transitions().stream()
                .sorted(java.util.Comparator.comparing(t -> t.days() == null ? 0 : t.days())).toList()) {
            text.append(", ").append(t.storageClassAsString()).append(" after ").append(t.days()).append(" days");
        }
        if (rule.expiration() != null && rule.expiration().days() != null) {
            text.append(", deleted after ").append(rule.expiration().days()).append(" days");
        }
        if (rule.noncurrentVersionExpiration() != null && rule.noncurrentVersionExpiration().noncurrentDays() != null) {
            text.append(", old versions deleted after ").append(rule.noncurrentVersionExpiration().noncurrentDays())
                    .append(" days");
        }
        return text.toString();
    }

    private static LifecycleException refused(String what, SdkException e) {
        String reason = e instanceof S3Exception s && s.awsErrorDetails() != null
                ? s.awsErrorDetails().errorCode() + " (HTTP " + s.statusCode() + "): " + s.awsErrorDetails().errorMessage()
                : e.getMessage();
        return new LifecycleException(what + ": " + reason, e);
    }
}
