package dev.nodemedic.remedy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunCommandTest {
    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CommandLine cli = RemedyCommand.commandLine(Clock.systemUTC());
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(args);
    }

    @Test
    void flagsBecomeOptionsWithTheDocumentedDefaults() {
        RunCommand run = new RunCommand(Clock.systemUTC());
        new CommandLine(run).parseArgs("--dry-run", "--paused", "--max-in-flight", "3", "--identity", "remedy-0", "--lease-duration", "20s",
                "--renew-deadline", "12s", "--retry-period", "500ms");

        RunOptions options = run.options();

        assertThat(options.dryRun()).isTrue();
        assertThat(options.paused()).isTrue();
        assertThat(options.maxInFlight()).hasValue(3);
        assertThat(options.kubeconfig()).isEmpty();
        assertThat(options.lease().identity()).isEqualTo("remedy-0");
        assertThat(options.lease().name()).isEqualTo("nodemedic-remedy");
        assertThat(options.lease().namespace()).isEqualTo(System.getenv().getOrDefault("POD_NAMESPACE", "kube-system"));
        assertThat(options.lease().leaseDuration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.lease().retryPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.lease().releaseOnStop()).isTrue();
        assertThat(options.address()).isEqualTo("0.0.0.0");
        assertThat(options.port()).isEqualTo(8080);
    }

    @Test
    void aDurationThatIsNotOneExitsTwoNamingTheFlag() {
        int exit = run("run", "--lease-duration", "fifteen");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--lease-duration").contains("\"fifteen\" is not a duration (write it as 90s, 5m or 1h30m)");
    }

    @Test
    void aRenewDeadlineNotShorterThanTheLeaseExitsTwoSayingWhy() {
        int exit = run("run", "--lease-duration", "10s", "--renew-deadline", "10s");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--renew-deadline (10s) must be shorter than --lease-duration (10s)");
    }

    @Test
    void aMaxInFlightBelowOneExitsTwo() {
        assertThat(run("run", "--max-in-flight", "0", "--identity", "r")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-in-flight 0 must be at least 1");
    }

    @Test
    void aMissingKubeconfigExitsOneNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing-kubeconfig");

        int exit = run("run", "--kubeconfig", missing.toString(), "--port", "0", "--identity", "r");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("nodemedic-remedy: kubeconfig " + missing + " does not exist or is not readable");
    }

    @Test
    void helpListsTheRunFlags() {
        assertThat(run("run", "--help")).isZero();
        assertThat(out.toString()).contains("--kubeconfig=FILE").contains("--dry-run").contains("--lease-namespace=NS").contains("--port=PORT");
    }
}
