package dev.nodemedic.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class HostServiceTest {

    /** A context written against daemon-api 1.1.0, before hostService existed: it must still compile and answer. */
    private static final class OlderContext implements DaemonContext<NoConfig> {
        @Override
        public String instanceName() {
            return "older";
        }

        @Override
        public NoConfig config() {
            return new NoConfig();
        }

        @Override
        public Optional<java.nio.file.Path> configFile() {
            return Optional.empty();
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public ScheduledExecutorService scheduler() {
            throw new UnsupportedOperationException("not needed here");
        }

        @Override
        public ThreadFactory threads() {
            return Thread::new;
        }

        @Override
        public System.Logger logger() {
            return System.getLogger("older");
        }

        @Override
        public void setCondition(String type, ConditionStatus status, String reason, String message) {
        }

        @Override
        public void emit(Event event) {
        }

        @Override
        public String defaultEventSource() {
            return "older";
        }

        @Override
        public void fail(Throwable cause) {
        }
    }

    /** Stands in for a host's shared service (the agent's Vertx) without naming any library here. */
    interface SharedLoop {
        String name();
    }

    @Test
    void aContextThatOffersNothingAnswersEmpty() {
        assertThat(new OlderContext().hostService(SharedLoop.class)).isEmpty();
    }

    @Test
    void anOfferedServiceIsFoundByItsClassAndOnlyByIt() {
        SharedLoop loop = () -> "agent-loop";
        try (RecordingDaemonContext<NoConfig> context = new RecordingDaemonContext<>("d", new NoConfig(), null, Clock.systemUTC(), List.of())
                .withHostService(SharedLoop.class, loop)) {
            assertThat(context.hostService(SharedLoop.class)).containsSame(loop);
            // A different class, as a plugin's bundled copy of the library would be, finds nothing.
            assertThat(context.hostService(Runnable.class)).isEmpty();
        }
    }
}
