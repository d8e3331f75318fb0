package io.regent.common.model;

import java.util.Optional;

/**
 * One member's published state: the value of {@code members/<name>}. Written by that member's agent
 * at least every {@code loop_wait}; read by everyone else. {@code modRevision} is the etcd revision
 * of the last write (not part of the JSON), used to tell whether a member published after an event.
 */
public record Member(
        String name,
        Role role,
        PgState state,
        String connUrl,
        String apiUrl,
        Long xlogLocation,
        Integer timeline,
        String upstream,
        Tags tags,
        String version,
        long modRevision) {

    public Member {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("member name is required");
        }
        role = role == null ? Role.UNINITIALIZED : role;
        state = state == null ? PgState.UNKNOWN : state;
        tags = tags == null ? Tags.DEFAULTS : tags;
    }

    public Optional<Lsn> lsn() {
        return xlogLocation == null ? Optional.empty() : Optional.of(new Lsn(xlogLocation));
    }

    public boolean isRunning() {
        return state == PgState.RUNNING;
    }

    public Member withModRevision(long revision) {
        return new Member(name, role, state, connUrl, apiUrl, xlogLocation, timeline, upstream, tags, version, revision);
    }
}
