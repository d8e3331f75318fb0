package io.regent.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlotNamesTest {

    @Test
    void aMemberNameIsLowerCasedAndEverythingButLettersDigitsAndUnderscoresBecomesAnUnderscore() {
        assertThat(SlotNames.forMember("Node-3.east")).isEqualTo("node_3_east");
        assertThat(SlotNames.forMember("x".repeat(70))).hasSize(63);
    }

    @Test
    void namesThatSanitizeToOneSlotAreReportedWithEveryClaimantSorted() {
        Map<String, List<String>> collisions = SlotNames.collisions(List.of("node_1", "node2", "Node-1", "node-1"));

        assertThat(collisions).containsOnlyKeys("node_1");
        assertThat(collisions.get("node_1")).containsExactly("Node-1", "node-1", "node_1");
    }

    @Test
    void distinctSlotNamesAreNoCollision() {
        assertThat(SlotNames.collisions(List.of("node1", "node2", "node3"))).isEmpty();
    }

    @Test
    void aMemberWhoseSlotNameAnotherMemberUsesMayNotJoinAndIsToldWhy() {
        assertThat(SlotNames.conflictOf("node_1", List.of("node-1", "node2"), Set.of()))
                .hasValueSatisfying(reason -> assertThat(reason).contains("'node_1'", "'node-1'", "replication slot 'node_1'",
                        "another name"));
    }

    @Test
    void aMemberRestartingFindsItsOwnKeyAndThatIsNoConflict() {
        assertThat(SlotNames.conflictOf("node1", List.of("node1", "node2"), Set.of())).isEmpty();
    }

    @Test
    void aMemberWhoseSlotNameIsAPermanentSlotMayNotJoin() {
        assertThat(SlotNames.conflictOf("Archiver", List.of("node2"), Set.of("archiver")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("permanent slot"));
    }
}
