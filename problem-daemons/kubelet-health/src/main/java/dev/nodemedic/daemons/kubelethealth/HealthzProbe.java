package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.GoDuration;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * One GET of the kubelet's {@code /healthz} per {@link #look()}. An {@code http://} URL (the kubelet's
 * default, and NPD's) is asked over a plain socket ({@link PlainHttpGet}); only an {@code https://} one
 * gets the JDK's HttpClient, made once and kept: opening one per look would cost a selector thread each time.
 */
final class HealthzProbe {
    /** Characters of a failing answer's body quoted in the message; the kubelet lists its failed checks there. */
    static final int MAX_BODY_QUOTED = 200;

    /** What one look found. */
    sealed interface Answer {
        /** 200, as NPD's checker requires. */
        record Healthy() implements Answer {
        }

        /** The kubelet answered, but not 200, or did not answer in time. */
        record Failed(String why) implements Answer {
        }

        /** Nothing listens at the address: no kubelet, or one that is down. */
        record NotListening(String why) implements Answer {
        }
    }

    private final URI url;
    private final Duration timeout;
    private final Optional<PlainHttpGet> plain;
    private final Optional<HttpClient> client;

    HealthzProbe(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        boolean tls = "https".equals(url.getScheme());
        this.plain = tls ? Optional.empty() : Optional.of(new PlainHttpGet(url, timeout));
        // The kubelet's healthz does not redirect; following one could send the look elsewhere. HTTP/1.1
        // because the default would ask the kubelet to upgrade to HTTP/2 on every new connection.
        this.client = !tls ? Optional.empty() : Optional.of(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    Answer look() throws InterruptedException {
        return plain.isPresent() ? lookPlain(plain.get()) : lookTls(client.orElseThrow());
    }

    private Answer lookPlain(PlainHttpGet get) {
        try {
            PlainHttpGet.Response response = get.get();
            return answer(response.status(), response.body());
        } catch (PlainHttpGet.ConnectTimeout e) {
            return new Answer.Failed("kubelet at " + address() + " did not accept a connection within " + GoDuration.formatShort(timeout));
        } catch (SocketTimeoutException e) {
            return new Answer.Failed("kubelet at " + url + " did not answer within " + GoDuration.formatShort(timeout));
        } catch (ConnectException e) {
            return new Answer.NotListening("no kubelet on " + address() + " (connection refused)");
        } catch (IOException e) {
            return new Answer.Failed("kubelet at " + url + " could not be asked: " + describe(e));
        }
    }

    private Answer answer(int status, String body) {
        if (status == 200) {
            return new Answer.Healthy();
        }
        return new Answer.Failed("kubelet at " + url + " answered " + status + quoted(body));
    }

    private Answer lookTls(HttpClient client) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return answer(response.statusCode(), response.body());
        } catch (HttpConnectTimeoutException e) {
            return new Answer.Failed("kubelet at " + address() + " did not accept a connection within " + GoDuration.formatShort(timeout));
        } catch (HttpTimeoutException e) {
            return new Answer.Failed("kubelet at " + url + " did not answer within " + GoDuration.formatShort(timeout));
        } catch (ConnectException e) {
            return new Answer.NotListening("no kubelet on " + address() + " (connection refused)");
        } catch (IOException e) {
            return new Answer.Failed("kubelet at " + url + " could not be asked: " + describe(e));
        }
    }

    /** Ends any look in flight (and the HttpClient's selector thread); the agent makes a new daemon object on every start. */
    void close() {
        plain.ifPresent(PlainHttpGet::close);
        client.ifPresent(HttpClient::shutdownNow);
    }

    private String address() {
        int port = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        return url.getHost() + ":" + port;
    }

    private static String quoted(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        if (line.isEmpty()) {
            return "";
        }
        return ": \"" + (line.length() > MAX_BODY_QUOTED ? line.substring(0, MAX_BODY_QUOTED) + "…" : line) + "\"";
    }

    /** HttpClient often wraps the cause and leaves the message empty; the innermost message says most. */
    private static String describe(IOException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
