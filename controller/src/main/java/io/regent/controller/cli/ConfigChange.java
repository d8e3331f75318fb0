package io.regent.controller.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.etcd.JsonCodec;
import io.regent.controller.config.DynamicConfig;
import io.regent.controller.config.LineDiff;
import java.util.List;
import java.util.Optional;

/**
 * One change of the {@code config} key, the way edit-config, pause and resume make it: read the value
 * and its revision, change a copy, check the agents would accept it, write it only if the key is still
 * at the revision read. A concurrent change fails the write; nothing is merged behind the operator's back.
 */
final class ConfigChange {

    private final String scope;
    private final ObjectNode before;
    private final ObjectNode after;
    private final long revision;

    private ConfigChange(String scope, ObjectNode before, long revision) {
        this.scope = scope;
        this.before = before;
        this.after = before.deepCopy();
        this.revision = revision;
    }

    /**
     * Reads the current value.
     *
     * @param mustExist refuse when the key is absent (pause/resume); else start from {@code {}}
     */
    static ConfigChange read(ClusterAdmin admin, ClusterTarget target, boolean mustExist) {
        Optional<ClusterAdmin.Versioned> current = admin.readConfig();
        if (current.isEmpty()) {
            if (mustExist) {
                throw new CliFailure(RegentCtl.EXIT_FAILED, "cluster " + target.scope() + " has no config key ("
                        + target.keys().config() + "): not bootstrapped yet, or a wrong --scope/--namespace", null);
            }
            return new ConfigChange(target.scope(), JsonNodeFactory.instance.objectNode(), 0);
        }
        try {
            return new ConfigChange(target.scope(), DynamicConfig.parse(current.get().value()), current.get().modRevision());
        } catch (IllegalArgumentException e) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, e.getMessage() + "; fix it with etcdctl", e);
        }
    }

    /** The copy to change. */
    ObjectNode after() {
        return after;
    }

    ObjectNode before() {
        return before;
    }

    long revision() {
        return revision;
    }

    boolean changesAnything() {
        return !before.equals(after);
    }

    /** The change as YAML lines marked {@code -}/{@code +}, secrets masked. */
    List<String> diff() {
        return LineDiff.of(DynamicConfig.toYaml(before), DynamicConfig.toYaml(after));
    }

    /**
     * Refuses, with the agents' own reason, a value they would ignore as unreadable.
     *
     * @throws CliFailure (exit 1)
     */
    void requireAcceptable() {
        String json = DynamicConfig.toJson(after);
        try {
            JsonCodec.decodeConfig(json);
            JsonCodec.decodePause(json);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, "refused: the agents would reject this config: " + e.getMessage()
                    + " (nothing written)", e);
        }
    }

    /**
     * Writes the changed value if the key is still at {@link #revision()} (and at {@code expected}, when
     * the operator named one); returns the key's new revision.
     *
     * @throws CliFailure (exit 1) on a concurrent change or a value the agents would reject
     */
    long commit(ClusterAdmin admin, Optional<Long> expected) {
        requireConcurrency(expected);
        requireAcceptable();
        java.util.OptionalLong written;
        try {
            written = admin.replaceConfig(DynamicConfig.toJson(after), revision);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, "refused: the agents would reject this config: " + e.getMessage()
                    + " (nothing written)", e);
        }
        if (written.isEmpty()) {
            throw conflict(admin.readConfig().map(ClusterAdmin.Versioned::modRevision).orElse(0L));
        }
        return written.getAsLong();
    }

    /** Fails early when the operator expected another revision than the one read. */
    void requireConcurrency(Optional<Long> expected) {
        if (expected.isPresent() && expected.get() != revision) {
            throw conflict(revision, expected.get());
        }
    }

    private CliFailure conflict(long now) {
        return conflict(now, revision);
    }

    private CliFailure conflict(long now, long basedOn) {
        return new CliFailure(RegentCtl.EXIT_FAILED, "conflict: the config of cluster " + scope
                + " changed concurrently (based on revision " + basedOn + ", now "
                + (now == 0 ? "deleted" : "revision " + now) + "); nothing written, run the command again", null);
    }
}
