package io.regent.agent.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.config.SynchronousMode;
import io.regent.common.model.SyncState;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyncClaimTest {

    private static SyncClaim claim(int quorum, String... standbys) {
        return new SyncClaim(Set.of(standbys), quorum);
    }

    @Test
    void droppingAStandbyThatMustAcknowledgeWeakensThePromise() {
        assertThat(claim(1, "b").implies(SyncClaim.NONE)).isTrue();
        assertThat(claim(2, "b", "c").implies(claim(1, "c"))).isTrue();
        assertThat(SyncClaim.NONE.implies(claim(1, "b"))).isFalse();
    }

    @Test
    void replacingAStandbyNeitherWeakensNorStrengthens() {
        assertThat(claim(1, "b").implies(claim(1, "c"))).isFalse();
        assertThat(claim(1, "c").implies(claim(1, "b"))).isFalse();
        assertThat(claim(1, "b").common(claim(1, "c"))).isEqualTo(SyncClaim.NONE);
    }

    @Test
    void addingAQuorumMemberWeakensThePromiseAndRemovingOneStrengthensIt() {
        assertThat(claim(1, "a", "b").implies(claim(1, "a", "b", "c"))).isTrue();
        assertThat(claim(1, "a", "b", "c").implies(claim(1, "a", "b"))).isFalse();
        assertThat(claim(2, "a", "b", "c").implies(claim(1, "a", "b"))).isTrue();
    }

    @Test
    void anElectionMustHearFromEnoughMembersToFindEveryCommit() {
        assertThat(claim(1, "b").electorsNeeded()).isEqualTo(1);
        assertThat(claim(2, "b", "c").electorsNeeded()).isEqualTo(1);
        assertThat(claim(1, "a", "b", "c").electorsNeeded()).isEqualTo(3);
        assertThat(claim(2, "a", "b", "c").electorsNeeded()).isEqualTo(2);
        assertThat(SyncClaim.NONE.electorsNeeded()).isEqualTo(1);
    }

    @Test
    void rendersSynchronousStandbyNamesPerMode() {
        assertThat(claim(2, "node-2", "node1").standbyNames(SynchronousMode.ON)).isEqualTo("FIRST 2 (\"node-2\", \"node1\")");
        assertThat(claim(1, "a", "b").standbyNames(SynchronousMode.QUORUM)).isEqualTo("ANY 1 (\"a\", \"b\")");
        assertThat(SyncClaim.NONE.standbyNames(SynchronousMode.ON)).isEmpty();
        assertThat(SyncClaim.NONE.standbyNames(SynchronousMode.STRICT)).isEqualTo("*");
        assertThat(claim(1, "we\"ird").standbyNames(SynchronousMode.ON)).isEqualTo("FIRST 1 (\"we\"\"ird\")");
    }

    @Test
    void readsTheKeysQuorumZeroAsEveryNamedStandby() {
        assertThat(SyncClaim.of(SyncState.of("a", Set.of("b", "c"), 0))).isEqualTo(claim(2, "b", "c"));
        assertThat(SyncClaim.of(SyncState.of("a", Set.of("b", "c"), 1))).isEqualTo(claim(1, "b", "c"));
        assertThat(SyncClaim.of(SyncState.of("a", Set.of(), 0))).isEqualTo(SyncClaim.NONE);
    }
}
