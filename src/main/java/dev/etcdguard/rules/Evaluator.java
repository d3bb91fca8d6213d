package dev.etcdguard.rules;

import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.MemberList;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import dev.etcdguard.etcd.Invocation.Note;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a member's (or a kube-apiserver's) effective configuration once and judges it with every rule
 * of that program's scope.
 */
public final class Evaluator {

    private final List<RuleDocument> rules;
    private final EvaluationOptions options;
    private final List<CertificateSeen> certificatesSeen = new ArrayList<>();

    public Evaluator(List<RuleDocument> rules, EvaluationOptions options) {
        this.rules = List.copyOf(rules);
        this.options = options;
    }

    /** The certificates the rules read in every {@link #evaluate(ResolvedInvocation)} so far (for expiry metrics). */
    public List<CertificateSeen> certificatesSeen() {
        return List.copyOf(certificatesSeen);
    }

    public List<Result> evaluate(Invocation invocation) {
        return evaluate(ResolvedInvocation.of(invocation));
    }

    public List<Result> evaluate(ResolvedInvocation resolved) {
        Invocation invocation = resolved.invocation();
        List<String> problems = resolved.problems();
        EffectiveConfig config = resolved.config();
        Target target = invocation.target().withMember(config.memberName());
        Subject subject = new Subject(config, invocation.files(), invocation.runAsUid(), invocation.podSpecFile(),
                invocation.running(), options);
        List<Result> results = new ArrayList<>();
        Map<Note, String> said = new LinkedHashMap<>();
        for (RuleDocument rule : rules) {
            if (!rule.appliesTo().equals(RuleDocument.SOURCE)
                    && rule.scope().equals(invocation.component().program())) {
                results.add(evaluate(rule, subject, target, problems, invocation, said, resolved.members()));
            }
        }
        certificatesSeen.addAll(subject.certificatesRead(target));
        return results;
    }

    /**
     * @param said the unknown values already explained in full for this target, with the rule that did: each is
     *             said once per target, later rules that read the same setting refer to it
     */
    private static Result evaluate(RuleDocument rule, Subject subject, Target target, List<String> problems,
                                   Invocation invocation, Map<Note, String> said, MemberList members) {
        List<CheckResult> checks = new ArrayList<>();
        if (!problems.isEmpty()) {
            checks.add(new CheckResult("evidence-readable", Status.ERROR, String.join("; ", problems), List.of()));
        }
        Set<String> reads = settingsRead(rule);
        List<String> assumed = new ArrayList<>();
        List<String> incomplete = new ArrayList<>(invocation.warnings());
        for (Note note : invocation.notes()) {
            boolean concerns = note.settings().isEmpty() || note.settings().stream().anyMatch(reads::contains);
            switch (note.kind()) {
                case ASSUMED -> {
                    if (concerns) {
                        assumed.add(note.message());
                    }
                }
                case NOTED -> {
                    if (said.putIfAbsent(note, rule.id()) == null) {
                        assumed.add(note.message());
                    }
                }
                case UNKNOWN -> {
                    if (!concerns) {
                        continue; // an unknown value lowers only the rules that read its setting
                    }
                    String first = said.putIfAbsent(note, rule.id());
                    incomplete.add(first == null ? note.message()
                            : (note.settings().isEmpty() ? "a value" : "the value of " + String.join(", ", note.settings()))
                                    + " is unknown to this scan (see " + first + ")");
                }
            }
        }
        if (!assumed.isEmpty()) {
            checks.add(new CheckResult("evidence-assumed", Status.PASS, "assumed: " + String.join("; ", assumed),
                    List.of()));
        }
        boolean lowered = !incomplete.isEmpty();
        if (lowered) {
            checks.add(new CheckResult("evidence-complete", Status.WARN, String.join("; ", incomplete), List.of()));
        }
        if (rule.appliesTo().equals("multi-member")) {
            List<CheckResult> membership = Membership.check(subject.config, invocation, members, subject.probes());
            checks.addAll(membership);
            if (membership.get(0).status() == Status.NOT_APPLICABLE) {
                return new Result(rule, target, problems.isEmpty() ? Status.NOT_APPLICABLE : Status.ERROR, checks);
            }
        }
        // The worst of the checks; NOT_APPLICABLE when none of the rule's own checks applied.
        Status overall = Status.NOT_APPLICABLE;
        for (CheckSpec spec : rule.checks()) {
            if (Primitives.isWire(spec.primitive()) && subject.options.probes() == null) {
                continue; // the scan did not probe
            }
            CheckResult check = Primitives.run(spec, subject);
            checks.add(check);
            overall = Status.worse(overall, check.status());
        }
        // A declared configuration (manifest, kubeadm) the program refuses to start with never runs: no PASS of
        // this rule would be true. Rules that compose config-consistent say so there; a rule that does not apply
        // stays NOT_APPLICABLE.
        CheckResult starts = SettingChecks.refusedToStart(subject);
        if (starts != null && overall != Status.NOT_APPLICABLE
                && rule.checks().stream().noneMatch(c -> c.primitive().equals(SettingChecks.CONFIG_CONSISTENT))) {
            checks.add(starts);
            overall = Status.FAIL;
        }
        if (lowered && overall != Status.NOT_APPLICABLE) {
            overall = Status.worse(overall, Status.WARN);
        }
        if (!problems.isEmpty()) {
            overall = Status.ERROR; // incomplete evidence: neither a PASS nor a FAIL can be trusted
        }
        return new Result(rule, target, overall, checks);
    }

    /**
     * The settings a rule's checks read, from their parameters ({@code setting}, {@code settings}, {@code urls},
     * a TLS profile's files and URLs); the membership settings for a multi-member rule; the peer URLs for
     * wire checks.
     */
    static Set<String> settingsRead(RuleDocument rule) {
        Set<String> out = new HashSet<>();
        if (rule.appliesTo().equals("multi-member")) {
            out.addAll(List.of("initial-cluster", "name", "initial-advertise-peer-urls"));
            out.addAll(Membership.DISCOVERY);
        }
        for (CheckSpec spec : rule.checks()) {
            if (spec.string("setting") != null) {
                out.add(spec.string("setting"));
            }
            out.addAll(spec.list("settings"));
            spec.list("urls").forEach(u -> addUrlSetting(out, u));
            TlsProfile profile = spec.string("tls") == null ? null : TlsProfile.find(spec.string("tls"));
            if (profile != null) {
                for (String s : new String[] {profile.certFile, profile.keyFile, profile.trustedCaFile, profile.autoTls,
                        profile.clientCertFile}) {
                    if (s != null) {
                        out.add(s);
                    }
                }
                profile.advertisedUrls.forEach(u -> addUrlSetting(out, u));
            }
            if (Primitives.isWire(spec.primitive())) {
                out.addAll(List.of("initial-advertise-peer-urls", "listen-peer-urls"));
            }
        }
        return out;
    }

    /** {@code initial-cluster:self} reads initial-cluster, the member's name and what etcd derives it from. */
    private static void addUrlSetting(Set<String> out, String url) {
        int colon = url.indexOf(':');
        if (colon < 0) {
            out.add(url);
        } else {
            out.addAll(List.of(url.substring(0, colon), "name", "initial-advertise-peer-urls"));
        }
    }

    /**
     * Whether the multi-member rules would not apply to {@code resolved} (alone by its data dir, or by its
     * configuration and nothing that makes it a cluster): what {@code --assume-cluster} changes.
     */
    public static boolean provablyAlone(ResolvedInvocation resolved) {
        return Membership.check(resolved.config(), resolved.invocation(), resolved.members(), List.of()).get(0)
                .status() == Status.NOT_APPLICABLE;
    }

    /**
     * Judges an endpoint given to {@code etcdguard probe} by what it showed on the wire: the wire checks of
     * every etcd rule that has some, for the target {@code Endpoint(url)}.
     */
    public List<Result> evaluate(ProbeResult probe) {
        Subject subject = Subject.endpoint(probe, options);
        Target target = new Target.Endpoint(probe.endpoint().url(), null);
        List<Result> results = new ArrayList<>();
        for (RuleDocument rule : rules) {
            List<CheckResult> checks = new ArrayList<>();
            Status overall = Status.NOT_APPLICABLE;
            for (CheckSpec spec : rule.checks()) {
                if (Primitives.isWire(spec.primitive())) {
                    CheckResult check = Primitives.run(spec, subject);
                    checks.add(check);
                    overall = Status.worse(overall, check.status());
                }
            }
            if (!checks.isEmpty()) {
                results.add(new Result(rule, target, overall, checks));
            }
        }
        return results;
    }

    /** Whether a member is provably alone: one member in initial-cluster and no discovery. */
    static final class Membership {
        private static final Set<String> DISCOVERY = Set.of("discovery", "discovery-srv");
        /** Workload kinds whose one pod template runs several members, each with the same configuration. */
        private static final Set<String> REPLICATED = Set.of("StatefulSet", "Deployment", "DaemonSet", "ReplicaSet",
                "ReplicationController");
        private static final String FIRST_START = "initial-cluster is read only at a member's first start"
                + " (members added later with 'etcdctl member add' never show in it)";

        private Membership() {}

        /**
         * The {@code cluster-membership} check first; for a replicated workload whose members are each configured
         * alone, a WARN note follows it.
         */
        static List<CheckResult> check(EffectiveConfig config, Invocation invocation, MemberList members,
                                       List<ProbeResult> probes) {
            List<Evidence> evidence = new ArrayList<>();
            evidence.add(new Evidence.Setting(config.get("initial-cluster")));
            for (ProbeResult p : probes) { // the peer API's member list (mutual-TLS probe) is the truth
                if (p.members() != null) {
                    evidence.add(new Evidence.Wire(p.endpoint().url(), "peer API lists members "
                            + String.join(", ", p.members().names())));
                    return List.of(p.members().names().size() > 1
                            ? new CheckResult("cluster-membership", Status.PASS, "member of a "
                                    + p.members().names().size() + "-member cluster, as its peer API lists", evidence)
                            : new CheckResult("cluster-membership", Status.NOT_APPLICABLE, "member '"
                                    + config.memberName() + "' is alone: its peer API lists one member", evidence));
                }
            }
            if (members instanceof MemberList.Assumed assumed) {
                return List.of(new CheckResult("cluster-membership", Status.PASS,
                        "evaluated as a cluster member: " + assumed.why(), evidence));
            }
            if (members instanceof MemberList.Read read && !read.members().isEmpty()) { // etcd's own member list
                int n = read.members().size();
                evidence.add(new Evidence.File(read.source(), "the data dir's member list (members bucket) holds " + n
                        + " member(s): " + String.join(", ", read.names())
                        + (read.readThrough() == null ? "" : " (read through " + read.readThrough() + ")")));
                String learners = read.learners() == 0 ? "" : ", " + read.learners() + " of them learner(s)";
                return List.of(n > 1
                        ? new CheckResult("cluster-membership", Status.PASS, "member of a " + n + "-member cluster"
                                + learners + ", as its data dir lists (" + read.source() + ")", evidence)
                        : new CheckResult("cluster-membership", Status.NOT_APPLICABLE, "member '" + config.memberName()
                                + "' is alone: its data dir lists one member (" + read.source() + "); peer TLS applies"
                                + " to clusters of more than one member", evidence));
            }
            String basis = basis(invocation, members, evidence); // the configuration decides from here on
            for (String d : DISCOVERY) {
                if (!config.get(d).isEmpty()) {
                    evidence.add(new Evidence.Setting(config.get(d)));
                    return List.of(new CheckResult("cluster-membership", Status.PASS,
                            "member of a cluster found through " + d + basis, evidence));
                }
            }
            Set<String> names = config.initialClusterNames();
            if (names.size() > 1) {
                return List.of(new CheckResult("cluster-membership", Status.PASS, "member of a " + names.size()
                        + "-member cluster by its initial-cluster (" + String.join(", ", names) + ")" + basis, evidence));
            }
            String unknown = unknownMembership(invocation);
            if (unknown != null) {
                return List.of(new CheckResult("cluster-membership", Status.PASS, "evaluated as a cluster member: the"
                        + " value of " + unknown + " is unknown to this scan, so the member is not provably alone", evidence));
            }
            String hint = invocation.clusterHint();
            boolean replicated = replicated(invocation.target());
            if (hint != null && (!replicated || templated(config))) {
                return List.of(new CheckResult("cluster-membership", Status.PASS,
                        "evaluated as a cluster member: " + hint, evidence));
            }
            CheckResult alone = new CheckResult("cluster-membership", Status.NOT_APPLICABLE, "member '"
                    + config.memberName() + "' is alone by its configuration: initial-cluster lists one member and no"
                    + " discovery is configured; peer TLS applies to clusters of more than one member. " + FIRST_START
                    + basis, evidence);
            if (hint == null) {
                return List.of(alone);
            }
            return List.of(alone, new CheckResult("independent-members", Status.WARN, hint + " runs several members,"
                    + " but each one's configuration makes it a cluster of its own (one-member initial-cluster, no"
                    + " discovery): they are unconnected single-member etcds, not one cluster. List every member in"
                    + " initial-cluster (or configure discovery) if they are meant to form one", List.of()));
        }

        /** What a verdict from the configuration rests on, as a sentence tail; adds the data dir's evidence. */
        private static String basis(Invocation invocation, MemberList members, List<Evidence> evidence) {
            return switch (members) {
                case MemberList.Read read -> {
                    evidence.add(new Evidence.File(read.source(), "the data dir's member list (members bucket) is empty"));
                    yield "; the data dir lists no member yet (" + read.source() + "), so this rests on the configuration";
                }
                case MemberList.Unreadable u -> {
                    evidence.add(new Evidence.File(u.source(), "member list not read: " + u.reason()));
                    yield "; the data dir's member list could not be read (" + u.source() + ": " + u.reason()
                            + "), so this rests on the configuration";
                }
                case null -> invocation.running() ? ""
                        : "; this rests on the manifest's configuration: a node scan (etcdguard scan --host) reads the"
                                + " real membership from the member's data dir";
                case MemberList.Assumed a -> "";
            };
        }

        /** The membership setting (initial-cluster, discovery) whose value the source could not know, or null. */
        private static String unknownMembership(Invocation invocation) {
            for (Note note : invocation.notes()) {
                if (note.kind() == Note.Kind.UNKNOWN) {
                    for (String setting : note.settings()) {
                        if (setting.equals("initial-cluster") || DISCOVERY.contains(setting)) {
                            return setting;
                        }
                    }
                }
            }
            return null;
        }

        /** A manifest of a workload that runs its pod template several times. */
        private static boolean replicated(Target target) {
            if (target instanceof Target.Manifest m && m.resource() != null && m.resource().indexOf('/') > 0) {
                return REPLICATED.contains(m.resource().substring(0, m.resource().indexOf('/')));
            }
            return false;
        }

        /**
         * initial-cluster is set and names its members through references ({@code $(POD_NAME)}, {@code ${...}})
         * this scan cannot expand: the configuration does not prove the member alone.
         */
        private static boolean templated(EffectiveConfig config) {
            Resolved ic = config.get("initial-cluster");
            return !ic.isDefault() && ic.value() != null && ic.value().contains("$");
        }
    }
}
