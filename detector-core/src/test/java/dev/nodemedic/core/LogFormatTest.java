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
}
