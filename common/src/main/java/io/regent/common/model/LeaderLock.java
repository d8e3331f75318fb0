package io.regent.common.model;

/**
 * The {@code leader} key: who holds it, the revision at which it was last written, and the etcd
 * lease it is attached to (it disappears when that lease expires).
 */
public record LeaderLock(String name, long modRevision, long leaseId) {

    public boolean isHeldBy(String member) {
        return name.equals(member);
    }
}
