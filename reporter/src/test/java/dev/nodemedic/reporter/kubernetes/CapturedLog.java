package dev.nodemedic.reporter.kubernetes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The reporter's log lines during one test, and those of the api-server library it writes Events with, through slf4j-jdk14. */
final class CapturedLog extends Handler implements AutoCloseable {
    private final List<Logger> loggers = List.of(Logger.getLogger("dev.nodemedic.reporter"), Logger.getLogger("dev.nodemedic.apiserver"));
    private final List<String> lines = new CopyOnWriteArrayList<>();

    CapturedLog() {
        for (Logger logger : loggers) {
            logger.setLevel(Level.INFO);
            logger.addHandler(this);
        }
    }

    List<String> lines() {
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
