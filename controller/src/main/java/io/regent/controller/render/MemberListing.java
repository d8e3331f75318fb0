package io.regent.controller.render;

import io.regent.common.model.ClusterView;
import io.regent.common.model.KeyProblem;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code regentctl list} shows, computed from one {@link ClusterView}: a title (cluster name and
 * system identifier), one {@link MemberRow} per member in name order, and warnings about what the
 * view could not explain (unreadable keys, a leader key naming a member that has no member key).
 * Renderers only lay this out; every judgement about roles and lag is made here.
 */
public record MemberListing(String scope, Initialization initialization, String systemIdentifier,
                            List<MemberRow> rows, List<String> footer, List<String> warnings) {

    /** Whether the cluster has a system identifier yet (the {@code initialize} key). */
    public enum Initialization { INITIALIZED, IN_PROGRESS, NOT_INITIALIZED }

    public static final String ROLE_PRIMARY = "primary";
    public static final String ROLE_PRIMARY_WITHOUT_LOCK = "primary (no lock)";
    public static final String ROLE_SYNC_STANDBY = "sync standby";

    public MemberListing {
        rows = List.copyOf(rows);
        footer = List.copyOf(footer);
        warnings = List.copyOf(warnings);
    }

    public static MemberListing of(String scope, ClusterView view) {
        Optional<String> leaderName = view.leader().map(lock -> lock.name());
        Optional<Lsn> leaderLsn = view.leaderMember().flatMap(Member::lsn);
        List<MemberRow> rows = new ArrayList<>();
        int id = 1;
        for (Member member : view.membersByName()) {
            boolean holdsLock = leaderName.filter(member.name()::equals).isPresent();
            rows.add(new MemberRow(
                    id++,
                    member.name(),
                    role(view, member, holdsLock),
                    member.state().wire(),
                    holdsLock ? "" : leaderName.orElse(streamsFrom(view, member)),
                    holdsLock ? "" : streamsFrom(view, member),
                    member.tags().location(),
                    member.tags().priority(),
                    member.timeline(),
                    holdsLock ? LsnLag.LEADER : LsnLag.between(leaderLsn, member.lsn()),
                    ConnectionStrings.redact(member.connUrl())));
        }
        List<String> warnings = new ArrayList<>();
        leaderName.filter(name -> view.member(name).isEmpty()).ifPresent(name -> warnings.add(
                "the leader key names '" + name + "', which has no member key (lag shown as unknown)"));
        for (KeyProblem problem : view.problems()) {
            warnings.add("ignored unreadable key " + problem.key() + ": " + problem.reason());
        }
        return new MemberListing(scope, initialization(view), view.initialize().orElse(""), rows, footer(view), warnings);
    }

    /**
     * What the member published as its upstream, as a member name when it is an address of a member
     * (agents publish the leader's name, or the {@code host:port} they stream from when that is not the leader).
     */
    private static String streamsFrom(ClusterView view, Member member) {
        String published = member.upstream();
        if (published == null || published.isBlank() || view.member(published).isPresent()) {
            return published == null ? "" : published;
        }
        return view.membersByName().stream()
                .filter(other -> published.equals(hostPort(other.connUrl())))
                .map(Member::name)
                .findFirst()
                .orElse(published);
    }

    private static String hostPort(String connUrl) {
        try {
            java.net.URI uri = java.net.URI.create(connUrl);
            return uri.getHost() == null ? null : uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort());
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    /** Lines under the table: maintenance mode and a pending switchover or failover, as Patroni shows them. */
    private static List<String> footer(ClusterView view) {
        List<String> lines = new ArrayList<>();
        if (view.paused()) {
            lines.add("Maintenance mode: on (agents take no automatic action; 'regentctl resume' ends it)");
        }
        view.failover().ifPresent(request -> {
            String target = request.candidate().orElse("the best candidate");
            if (request.isSwitchover()) {
                String from = request.leader().orElseThrow();
                lines.add(request.scheduledAt()
                        .map(at -> "Switchover scheduled at " + at + ": " + from + " -> " + target)
                        .orElse("Switchover requested: " + from + " -> " + target));
            } else {
                lines.add("Failover requested to " + target
                        + request.scheduledAt().map(at -> " at " + at).orElse(""));
            }
        });
        return lines;
    }

    private static String role(ClusterView view, Member member, boolean holdsLock) {
        if (holdsLock) {
            return ROLE_PRIMARY;
        }
        if (member.role() == Role.PRIMARY) {
            return ROLE_PRIMARY_WITHOUT_LOCK;
        }
        // the leader's sync key names it: promotable without losing an acknowledged commit
        if (view.syncOfLeader().filter(sync -> sync.names(member.name())).isPresent()) {
            return ROLE_SYNC_STANDBY;
        }
        return member.role().wire();
    }

    private static Initialization initialization(ClusterView view) {
        if (view.isInitialized()) {
            return Initialization.INITIALIZED;
        }
        return view.isBeingInitialized() ? Initialization.IN_PROGRESS : Initialization.NOT_INITIALIZED;
    }

    /** {@code Cluster: demo (system identifier 7301234567890123456)}. */
    public String title() {
        String identity = switch (initialization) {
            case INITIALIZED -> "system identifier " + systemIdentifier;
            case IN_PROGRESS -> "initialization in progress";
            case NOT_INITIALIZED -> "not initialized";
        };
        return "Cluster: " + scope + " (" + identity + ")";
    }
}
