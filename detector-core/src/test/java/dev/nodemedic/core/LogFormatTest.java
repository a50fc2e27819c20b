package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    private String format(LogFormat format, LogRecord record) {
        format.install(Level.INFO);
        Handler handler = Logger.getLogger("").getHandlers()[0];
        return handler.getFormatter().format(record);
    }

    @Test
    void jsonIsOneObjectPerLineWithEscapes() {
        LogRecord record = new LogRecord(Level.WARNING, "daemon failed daemon=kernel-log error=\"no \\\"kmsg\\\"\"\nsecond line");
        record.setLoggerName("dev.nodemedic.core.supervision.Supervisor");

        String line = format(LogFormat.json, record);

        assertThat(line).startsWith("{\"time\":\"").endsWith("}\n");
        assertThat(line.strip()).doesNotContain("\n");
        assertThat(line).contains("\"level\":\"WARN\",\"logger\":\"dev.nodemedic.core.supervision.Supervisor\"")
                .contains("\"message\":\"daemon failed daemon=kernel-log error=\\\"no \\\\\\\"kmsg\\\\\\\"\\\"\\nsecond line\"");
    }

    @Test
    void textIsOneReadableLine() {
        LogRecord record = new LogRecord(Level.INFO, "daemon started daemon={0}");
        record.setParameters(new Object[] {"reboot-required"});
        record.setLoggerName("dev.nodemedic.core.supervision.Supervisor");

        assertThat(format(LogFormat.text, record)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  Supervisor  daemon started daemon=reboot-required\n");
    }

    @Test
    void textEscapesControlAndBidiCharactersSoOneRecordStaysOneHonestLine() {
        LogRecord record = new LogRecord(Level.WARNING, "registration refused daemon={0}");
        record.setParameters(new Object[] {"gpu\u0000\u001b[2Khealth\r\nINFO fake line \u202egnp.exe"});
        record.setLoggerName("dev.nodemedic.core.remote.ReportServer");

        String line = format(LogFormat.text, record);

        assertThat(line).endsWith("registration refused daemon=gpu\\u0000\\u001b[2Khealth\\r\\nINFO fake line \\u202egnp.exe\n");
        assertThat(line.chars().filter(c -> LogFormat.unsafe((char) c)).count()).as("raw control characters").isEqualTo(1); // the final newline
    }

    @Test
    void jsonEscapesBidiAndC1ControlsToo() {
        LogRecord record = new LogRecord(Level.INFO, "reason=\u202eXidError\u0085");
        record.setLoggerName("x");

        assertThat(format(LogFormat.json, record)).contains("\"message\":\"reason=\\u202eXidError\\u0085\"");
    }

    @Test
    void aStackTraceKeepsItsLineBreaksButNotAnEscapeSequence() {
        LogRecord record = new LogRecord(Level.SEVERE, "daemon failed");
        record.setLoggerName("x");
        record.setThrown(new IllegalStateException("bad \u001b]0;title\u0007 input"));

        String text = format(LogFormat.text, record);

        assertThat(text).contains("bad \\u001b]0;title\\u0007 input").contains("\n\tat ");
        assertThat(text).doesNotContain("\u001b");
    }
}
