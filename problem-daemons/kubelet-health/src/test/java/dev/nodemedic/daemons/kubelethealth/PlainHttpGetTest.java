package dev.nodemedic.daemons.kubelethealth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plain-HTTP GET against a raw socket server that writes exactly the bytes each test wants. */
class PlainHttpGetTest {
    private ServerSocket server;
    private final ExecutorService serving = Executors.newSingleThreadExecutor();
    private final AtomicReference<String> request = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        release.countDown();
        server.close();
        serving.shutdownNow();
    }

    /** Accepts one connection, reads the request's head, writes {@code answer} and closes (or holds the connection when {@code hold}). */
    private Future<?> answerOnce(String answer, boolean hold) {
        return serving.submit(() -> {
            try (Socket socket = server.accept()) {
                request.set(head(socket.getInputStream()));
                socket.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                if (hold) {
                    release.await(30, TimeUnit.SECONDS);
                }
            }
            return null;
        });
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!out.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            out.write(b);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    private PlainHttpGet get(String pathAndQuery, Duration timeout) {
        return new PlainHttpGet(URI.create("http://127.0.0.1:" + server.getLocalPort() + pathAndQuery), timeout);
    }

    @Test
    void asksWithHttp10AndConnectionCloseSoNoChunkedAnswerComes() throws Exception {
        answerOnce("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false);

        PlainHttpGet.Response response = get("/healthz?verbose", Duration.ofSeconds(5)).get();

        assertThat(response).isEqualTo(new PlainHttpGet.Response(200, "ok"));
        assertThat(request.get()).startsWith("GET /healthz?verbose HTTP/1.0\r\n")
                .contains("\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n", "\r\nConnection: close\r\n");
    }

    @Test
    void withoutContentLengthTheBodyEndsWithTheStream() throws Exception {
        answerOnce("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n[-]syncloop failed\nhealthz check failed\n", false);

        PlainHttpGet.Response response = get("/healthz", Duration.ofSeconds(5)).get();

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("[-]syncloop failed\nhealthz check failed\n");
    }

    @Test
    void withContentLengthTheAnswerIsCompleteWithoutWaitingForTheServerToClose() throws Exception {
        answerOnce("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", true);

        PlainHttpGet.Response response = get("/healthz", Duration.ofSeconds(30)).get();

        assertThat(response).isEqualTo(new PlainHttpGet.Response(200, "ok"));
    }

    @Test
    void aHugeBodyIsCutAtTheBound() throws Exception {
        answerOnce("HTTP/1.0 500 Oops\r\n\r\n" + "x".repeat(PlainHttpGet.MAX_BODY * 3), false);

        PlainHttpGet.Response response = get("/healthz", Duration.ofSeconds(5)).get();

        assertThat(response.body()).hasSize(PlainHttpGet.MAX_BODY);
    }

    @Test
    void somethingThatIsNotHttpIsAnErrorSayingWhatCame() {
        answerOnce("SSH-2.0-OpenSSH_9.2\r\n\r\n", false);

        assertThatThrownBy(() -> get("/healthz", Duration.ofSeconds(5)).get()).isInstanceOf(IOException.class)
                .hasMessage("not an HTTP answer: \"SSH-2.0-OpenSSH_9.2\"");
    }

    @Test
    void aServerThatSendsHalfAHeadAndStallsTimesOutAsAWhole() {
        answerOnce("HTTP/1.1 200 OK\r\nContent-", true);

        assertThatThrownBy(() -> get("/healthz", Duration.ofMillis(300)).get()).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void closeEndsAGetInFlightAtOnce() throws Exception {
        answerOnce("", true);
        PlainHttpGet get = get("/healthz", Duration.ofMinutes(5));
        CompletableFuture<Throwable> failed = CompletableFuture.supplyAsync(() -> {
            try {
                get.get();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        RecordingDaemonContext.awaitTrue("the request to arrive", Duration.ofSeconds(10), () -> request.get() != null);

        get.close();

        assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void onlyPlainHttpUrlsAreTaken() {
        assertThatThrownBy(() -> new PlainHttpGet(URI.create("https://127.0.0.1:10250/healthz"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an http:// URL");
    }
}
