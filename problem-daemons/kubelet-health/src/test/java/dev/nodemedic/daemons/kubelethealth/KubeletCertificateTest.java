package dev.nodemedic.daemons.kubelethealth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KubeletCertificateExpiring against real certificates, made by the JDK's keytool once for the class.
 * The clock is set relative to the certificate's own notAfter, so the tests do not depend on today.
 */
class KubeletCertificateTest {
    /** What the kubelet puts before its certificate in kubelet-client-current.pem; its content is never parsed. */
    private static final String KEY_BLOCK = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIAbogusbogusbogusbogusbogusbogusbogusbogusAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n";

    @TempDir
    static Path keys;
    private static String kubeletCertificate;
    private static Instant kubeletNotAfter;
    private static String intermediateCertificate;

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final KubeletHealthDaemon daemon = new KubeletHealthDaemon();
    private RecordingDaemonContext<KubeletHealthConfig> context;

    @BeforeAll
    static void makeCertificates() throws Exception {
        kubeletCertificate = selfSigned("kubelet", "CN=system:node:node-a, O=system:nodes", 60);
        kubeletNotAfter = notAfter(kubeletCertificate);
        intermediateCertificate = selfSigned("ca", "CN=kubernetes-ca", 3650);
    }

    /** A self-signed certificate valid for {@code days} from now, as PEM, through keytool as an operator would make one. */
    private static String selfSigned(String alias, String subject, int days) throws Exception {
        Path store = keys.resolve(alias + ".p12");
        Path pem = keys.resolve(alias + ".pem");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", subject, "-validity", Integer.toString(days),
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-storepass", "changeit", "-file", pem.toString());
        return Files.readString(pem);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("keytool did not finish within 60s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("keytool exited " + process.exitValue() + ": " + output);
        }
    }

    private static Instant notAfter(String pem) throws Exception {
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        return certificate.getNotAfter().toInstant();
    }

    @AfterEach
    void stop() {
        daemon.stop();
        if (context != null) {
            // Every reason reported in the test was declared, so the agent had its NPD series from the start.
            assertThat(context.undeclared(daemon.reasons(context.config()))).as("reported but not declared").isEmpty();
            context.close();
        }
    }

    /** Opens the daemon on {@code pem}; healthz points at a refused port, which these tests do not look at. */
    private void open(Path pem) throws IOException {
        open(Optional.of(pem));
    }

    private void open(Optional<Path> pem) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        KubeletHealthConfig config = new KubeletHealthConfig(URI.create("http://127.0.0.1:" + port + "/healthz"), Duration.ofSeconds(2),
                null, null, pem, Duration.ofDays(7), null, dir.resolve("no-systemctl"), null, null, null, null);
        context = new RecordingDaemonContext<>(daemon, config, clock);
        daemon.open(context);
    }

    /** The kubelet's file: its key, its own certificate first, then the chain. */
    private Path kubeletPem() throws IOException {
        return Files.writeString(dir.resolve("kubelet-client-current.pem"), KEY_BLOCK + kubeletCertificate + intermediateCertificate);
    }

    private Condition expiring() {
        return context.condition("KubeletCertificateExpiring");
    }

    @Test
    void aCertificateFarFromExpiryIsValidAndSaysWhenItExpires() throws Exception {
        open(kubeletPem());
        clock.set(kubeletNotAfter.minus(Duration.ofDays(30)));

        daemon.check(clock.instant());

        assertThat(expiring().status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(expiring().reason()).isEqualTo("KubeletCertificateValid");
        assertThat(expiring().message()).isEqualTo("kubelet client certificate expires at " + kubeletNotAfter.truncatedTo(ChronoUnit.SECONDS) + ", more than 168h away");
    }

    @Test
    void aCertificateExpiringWithinTheWindowIsTrueWithTheDate() throws Exception {
        Path pem = kubeletPem();
        open(pem);
        clock.set(kubeletNotAfter.minus(Duration.ofDays(3)));

        daemon.check(clock.instant());

        assertThat(expiring().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(expiring().reason()).isEqualTo("KubeletCertificateExpiring");
        assertThat(expiring().message()).startsWith("kubelet client certificate " + pem + " (CN=system:node:node-a,O=system:nodes) expires at "
                + kubeletNotAfter.truncatedTo(ChronoUnit.SECONDS) + ", within 168h");
    }

    @Test
    void anExpiredCertificateSaysExpired() throws Exception {
        open(kubeletPem());
        clock.set(kubeletNotAfter.plus(Duration.ofHours(1)));

        daemon.check(clock.instant());

        assertThat(expiring().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(expiring().reason()).isEqualTo("KubeletCertificateExpired");
        assertThat(expiring().message()).contains("expired at " + kubeletNotAfter.truncatedTo(ChronoUnit.SECONDS));
    }

    @Test
    void theFirstCertificateInTheFileIsTheKubeletsOwn() throws Exception {
        // The chain's CA lives ten years; were it read instead, the kubelet's expiry would go unseen.
        open(kubeletPem());
        clock.set(kubeletNotAfter.minus(Duration.ofDays(1)));

        var look = daemon.check(clock.instant());

        assertThat(look.certificate()).contains(new ClientCertificate.Reading.Valid("CN=system:node:node-a,O=system:nodes", kubeletNotAfter));
    }

    @Test
    void withoutClientCertificateTheCheckIsOffAndHasNoCondition() throws Exception {
        // The file holds the kubelet's private key: reading it is an operator's choice, not a default.
        KubeletHealthConfig defaults = new dev.nodemedic.daemon.config.ConfigBinder().defaults(KubeletHealthConfig.class);
        assertThat(defaults.clientCertificate()).isEmpty();
        assertThat(daemon.conditions(defaults)).extracting(c -> c.type()).doesNotContain("KubeletCertificateExpiring")
                .contains("KubeletUnhealthy", "FrequentKubeletRestart", "PLEGUnhealthy");
        assertThat(daemon.reasons(defaults)).noneMatch(reason -> reason.reason().startsWith("KubeletCertificate"));

        open(Optional.empty());
        var look = daemon.check(clock.instant());

        assertThat(look.certificate()).isEmpty();
        assertThat(context.conditions()).extracting(c -> c.type()).doesNotContain("KubeletCertificateExpiring");
    }

    @Test
    void withClientCertificateTheConditionIsDeclared() throws Exception {
        KubeletHealthConfig config = new dev.nodemedic.daemon.config.ConfigBinder().bind("kubelet-health.yaml",
                "clientCertificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n", KubeletHealthConfig.class);
        assertThat(daemon.conditions(config)).extracting(c -> c.type()).contains("KubeletCertificateExpiring");
    }

    @Test
    void aMissingCertificateIsUnknownAndSaysWhere() throws Exception {
        Path pem = dir.resolve("kubelet-client-current.pem");
        open(pem);

        daemon.check(clock.instant());

        assertThat(expiring().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(expiring().reason()).isEqualTo("KubeletCertificateNotFound");
        assertThat(expiring().message()).startsWith("kubelet client certificate " + pem + " does not exist;");
    }

    @Test
    void aFileWithoutACertificateIsUnreadable() throws Exception {
        Path pem = Files.writeString(dir.resolve("kubelet-client-current.pem"), KEY_BLOCK);
        open(pem);

        daemon.check(clock.instant());

        assertThat(expiring().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(expiring().reason()).isEqualTo("KubeletCertificateUnreadable");
        assertThat(expiring().message()).isEqualTo("kubelet client certificate " + pem + " holds no complete PEM CERTIFICATE block");
    }

    @Test
    void aCorruptCertificateIsUnreadable() throws Exception {
        Path pem = Files.writeString(dir.resolve("kubelet-client-current.pem"),
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        open(pem);

        daemon.check(clock.instant());

        assertThat(expiring().reason()).isEqualTo("KubeletCertificateUnreadable");
        assertThat(expiring().message()).startsWith("kubelet client certificate " + pem + ": the first CERTIFICATE block is not an X.509 certificate");
    }

    @Test
    void aCertificateTheAgentMayNotReadSaysPermissionDenied() throws Exception {
        Path pem = kubeletPem();
        Files.setPosixFilePermissions(pem, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(pem), "running as root, every file is readable");
        open(pem);

        daemon.check(clock.instant());

        assertThat(expiring().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(expiring().message()).isEqualTo("kubelet client certificate " + pem + " cannot be read: permission denied");
    }
}
