package io.regent.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.Lsn;
import org.junit.jupiter.api.Test;

/** Reading the last switch out of a PostgreSQL timeline history file ({@code pg_wal/0000000N.history}). */
class TimelineSwitchTest {

    @Test
    void theOnlyLineOfATimeline2HistoryIsTheSwitchFromTimeline1() {
        assertThat(TimelineSwitch.lastOf("1\t0/5000268\tno recovery target specified\n"))
                .contains(new TimelineSwitch(1, Lsn.parse("0/5000268"), "no recovery target specified"));
    }

    @Test
    void ofSeveralLinesTheLastOneIsTheSwitchThatCreatedTheCurrentTimeline() {
        String history = """
                1\t0/3000158\tno recovery target specified
                2\t0/5000A28\tno recovery target specified
                3\t1/2A0000D8\tat restore point "before_upgrade"
                """;

        assertThat(TimelineSwitch.lastOf(history))
                .contains(new TimelineSwitch(3, Lsn.parse("1/2A0000D8"), "at restore point \"before_upgrade\""));
    }

    @Test
    void commentsAndBlankLinesAreSkipped() {
        String history = """
                # written by a tool, not by PostgreSQL
                1\t0/3000158\tno recovery target specified

                   \t
                2\t0/5000A28\tno recovery target specified
                # trailing comment
                """;

        assertThat(TimelineSwitch.lastOf(history))
                .contains(new TimelineSwitch(2, Lsn.parse("0/5000A28"), "no recovery target specified"));
    }

    @Test
    void aLineThatCannotBeReadIsIgnoredAndTheLastGoodOneKept() {
        String history = """
                1\t0/3000158\tno recovery target specified
                2\t0/5000A28\tno recovery target specified
                garbage here
                3\tnot-an-lsn\tbroken
                x4\t0/6000000\tbroken
                5
                """;

        assertThat(TimelineSwitch.lastOf(history))
                .contains(new TimelineSwitch(2, Lsn.parse("0/5000A28"), "no recovery target specified"));
    }

    @Test
    void aLineWithoutAReasonHasAnEmptyReason() {
        assertThat(TimelineSwitch.lastOf("1 0/3000158")).contains(new TimelineSwitch(1, Lsn.parse("0/3000158"), ""));
    }

    @Test
    void windowsLineEndsAndSpacesInsteadOfTabsAreAccepted() {
        assertThat(TimelineSwitch.lastOf("1  0/3000158   no recovery target specified\r\n2 0/5000A28 reason\r\n"))
                .contains(new TimelineSwitch(2, Lsn.parse("0/5000A28"), "reason"));
    }

    @Test
    void anEmptyFileHasNoSwitch() {
        assertThat(TimelineSwitch.lastOf("")).isEmpty();
    }

    @Test
    void aFileWithOnlyCommentsAndGarbageHasNoSwitch() {
        assertThat(TimelineSwitch.lastOf("# nothing yet\n\nnot a history line\n")).isEmpty();
    }
}
