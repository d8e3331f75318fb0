package io.regent.common.store;

import java.util.Optional;

/**
 * Every etcd key Regent uses, and the only place that builds key strings. The layout is Patroni's,
 * so {@code etcdctl get --prefix /service/<scope>/} reads the same way for both.
 */
public final class KeyLayout {

    private final String prefix;

    public KeyLayout(String namespace, String scope) {
        String ns = namespace.endsWith("/") ? namespace : namespace + "/";
        this.prefix = ns + scope + "/";
    }

    public String prefix() {
        return prefix;
    }

    public String leader() {
        return prefix + "leader";
    }

    public String initialize() {
        return prefix + "initialize";
    }

    public String config() {
        return prefix + "config";
    }

    public String failover() {
        return prefix + "failover";
    }

    public String sync() {
        return prefix + "sync";
    }

    /** Patroni's {@code failsafe}: the members a leader must reach over the REST API to stay primary without etcd. */
    public String failsafe() {
        return prefix + "failsafe";
    }

    public String history() {
        return prefix + "history";
    }

    public String status() {
        return prefix + "status";
    }

    public String membersPrefix() {
        return prefix + "members/";
    }

    public String member(String name) {
        return membersPrefix() + name;
    }

    /** The member name if {@code key} is a direct child of {@code members/}. */
    public Optional<String> memberName(String key) {
        if (!key.startsWith(membersPrefix())) {
            return Optional.empty();
        }
        String name = key.substring(membersPrefix().length());
        return name.isEmpty() || name.contains("/") ? Optional.empty() : Optional.of(name);
    }
}
