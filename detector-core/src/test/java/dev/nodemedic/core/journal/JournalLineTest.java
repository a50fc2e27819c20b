package dev.nodemedic.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JournalLineTest {

    @Test
    void keepsTheCursorTimeMessageAndOnlyTheFieldsAskedFor() {
        JournalLine line = JournalLine.parse("{\"__CURSOR\":\"s=1;i=2\",\"__REALTIME_TIMESTAMP\":\"1795000000000001\",\"_TRANSPORT\":\"kernel\","
                + "\"_PID\":\"1\",\"MESSAGE\":\"tab\\there\"}", Set.of("_TRANSPORT"));

        assertThat(line).isEqualTo(new JournalLine("s=1;i=2", 1_795_000_000_000_001L, "tab\there", Map.of("_TRANSPORT", "kernel")));
    }

    @Test
    void aBinaryMessageIsReadAsUtf8AndARepeatedFieldAsItsFirstValue() {
        JournalLine line = JournalLine.parse("{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[104,105],\"UNIT\":[\"a.service\",\"b.service\"]}", Set.of("UNIT"));

        assertThat(line.message()).isEqualTo("hi");
        assertThat(line.fields()).containsEntry("UNIT", "a.service");
    }

    @Test
    void anEntryWithoutItsTimeIsRefused() {
        assertThatThrownBy(() -> JournalLine.parse("{\"MESSAGE\":\"x\"}", Set.of())).hasMessage("no __REALTIME_TIMESTAMP");
    }
}
