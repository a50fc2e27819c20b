package dev.nodemedic.apiserver.logging;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log lines of the named loggers (and those below them) during one test, as {@code LEVEL message},
 * through slf4j-jdk14 as both processes log. In the test-jar: the agent's and the controller's tests
 * read the lines api-server's writers log for them.
 */
public final class CapturedLog extends Handler implements AutoCloseable {
    /** Held here: JUL keeps loggers only weakly, and a collected one would lose the handler. */
    private final List<Logger> loggers;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    /** @param names such as {@code dev.nodemedic.apiserver} */
    public CapturedLog(String... names) {
        this.loggers = Arrays.stream(names).map(Logger::getLogger).toList();
        for (Logger logger : loggers) {
            logger.setLevel(Level.INFO);
            logger.addHandler(this);
        }
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record.getLevel() + " " + record.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        loggers.forEach(logger -> logger.removeHandler(this));
    }
}
