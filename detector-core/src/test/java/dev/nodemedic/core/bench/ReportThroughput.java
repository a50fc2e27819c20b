package dev.nodemedic.core.bench;

import dev.nodemedic.core.config.AgentConfig.ReportConfig;
import dev.nodemedic.core.remote.RemoteDaemons;
import dev.nodemedic.core.remote.ReportServer;
import dev.nodemedic.core.remote.ReportSocket;
import dev.nodemedic.core.supervision.InstanceNames;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.Exporter;
import dev.nodemedic.reporter.OwnedCondition;
import dev.nodemedic.reporter.RecentEvents;
import dev.nodemedic.reporter.Reporter;
import dev.nodemedic.reporter.prometheus.PrometheusExporter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test: reports per second over the report socket, and the latency from a report
 * being sent to its condition being in the book (as the exporters hear it). The agent's real pieces
 * (report server on a Vert.x event loop, remote daemons, reporter with the Prometheus exporter) in
 * this process; the clients are Vert.x HTTP clients on their own event loop, over the unix socket,
 * each connection sending its next report when the last is answered. Every report changes its
 * condition's message, so each one reaches the exporters. Run by detector-core/src/bench/report-throughput.sh.
 *
 * <p>Arguments: work dir, seconds measured, connections, daemons.
 */
public final class ReportThroughput {
    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args[0]));
        int seconds = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        int daemonCount = Integer.parseInt(args[3]);
        long warmup = Math.max(5, seconds / 4);
        // Room for 60,000 reports a second; a faster run stops early and says so.
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, (warmup + seconds) * 60_000L);
        long[] sent = new long[capacity];
        long[] inBook = new long[capacity];
        long[] answered = new long[capacity];

        Exporter probe = new Exporter() {
            @Override
            public void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot) {
                long now = System.nanoTime();
                for (OwnedCondition owned : snapshot.all()) {
                    String message = owned.condition().message();
                    if (message.startsWith("m-") && previous.get(owned.type()).map(p -> !p.condition().message().equals(message)).orElse(true)) {
                        inBook[Integer.parseInt(message, 2, message.length(), 10)] = now;
                    }
                }
            }

            @Override
            public void eventEmitted(String owner, Event event) {
            }
        };
        Reporter reporter = new Reporter(List.of(new PrometheusExporter(), probe), new RecentEvents(50));
        PrometheusExporter metrics = new PrometheusExporter();
        // The rate limit is the subject of its own test; here it must not be what is measured.
        ReportConfig config = new ReportConfig(true, null, null, daemonCount, 1_000_000, 1_000_000);
        RemoteDaemons daemons = new RemoteDaemons(reporter, Clock.systemUTC(), new InstanceNames(), config, metrics.registry(), statuses -> { });
        Path socket = work.resolve("report.sock");
        ReportSocket.prepare(socket);
        // As the agent: one event loop serves everything.
        Vertx agent = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
        agent.deployVerticle(new ReportServer(socket, "rw-rw----", daemons, reporter, metrics.registry())).await();
        // The one event loop thread: its CPU time is the agent's cost of serving reports, apart from the clients'.
        long agentLoop = agent.executeBlocking(() -> 0L).compose(v -> {
            io.vertx.core.Promise<Long> id = io.vertx.core.Promise.promise();
            agent.runOnContext(x -> id.complete(Thread.currentThread().threadId()));
            return id.future();
        }).await();

        Vertx clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient http = clients.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
        SocketAddress address = SocketAddress.domainSocketAddress(socket.toString());
        for (int d = 0; d < daemonCount; d++) {
            String body = "{\"leaseSeconds\":600,\"conditions\":[{\"type\":\"BenchProblem" + d + "\",\"reason\":\"NoBenchProblem\"}]}";
            int code = http.request(new RequestOptions().setServer(address).setMethod(HttpMethod.PUT).setURI("/v1/daemons/bench-" + d))
                    .compose(r -> r.send(body)).await().statusCode();
            if (code != 200) {
                throw new IllegalStateException("registration answered " + code);
            }
        }

        AtomicInteger sequence = new AtomicInteger();
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        AtomicLong measureTo = new AtomicLong(Long.MAX_VALUE);
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        measureFrom.set(start + TimeUnit.SECONDS.toNanos(warmup));
        measureTo.set(measureFrom.get() + TimeUnit.SECONDS.toNanos(seconds));
        CountDownLatch done = new CountDownLatch(connections);
        for (int c = 0; c < connections; c++) {
            int daemon = c % daemonCount;
            clients.runOnContext(v -> report(http, address, daemon, sequence, sent, answered, measureTo, failures, done));
        }
        long cpuBefore = 0;
        while (System.nanoTime() < measureFrom.get()) {
            Thread.sleep(50);
        }
        int firstMeasured = sequence.get();
        cpuBefore = cpu();
        long loopBefore = threadCpu(agentLoop);
        done.await(warmup + seconds + 60, TimeUnit.SECONDS);
        long cpuAfter = cpu();
        long loopAfter = threadCpu(agentLoop);
        int lastMeasured = Math.min(sequence.get(), sent.length);
        Thread.sleep(200);

        long[] toBook = new long[lastMeasured - firstMeasured];
        long[] roundTrip = new long[lastMeasured - firstMeasured];
        int n = 0;
        int missing = 0;
        for (int i = firstMeasured; i < lastMeasured; i++) {
            if (sent[i] == 0 || answered[i] == 0 || inBook[i] == 0) {
                missing++;
                continue;
            }
            toBook[n] = inBook[i] - sent[i];
            roundTrip[n] = answered[i] - sent[i];
            n++;
        }
        toBook = Arrays.copyOf(toBook, n);
        roundTrip = Arrays.copyOf(roundTrip, n);
        Arrays.sort(toBook);
        Arrays.sort(roundTrip);
        System.out.printf("connections %d, daemons %d, measured %d s after %d s warm-up%n", connections, daemonCount, seconds, warmup);
        System.out.printf("reports answered 200: %,d (%,.0f/s); not in the book: %d; failed: %d%n", n, n / (double) seconds, missing, failures.get());
        System.out.printf("report -> condition in the book: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", ms(toBook, 0.50), ms(toBook, 0.99),
                ms(toBook, 0.999), toBook[toBook.length - 1] / 1e6);
        System.out.printf("report -> answer at the client:  p50 %.2f ms, p99 %.2f ms%n", ms(roundTrip, 0.50), ms(roundTrip, 0.99));
        System.out.printf("CPU of the process (agent and clients): %.0f %% of a core%n", (cpuAfter - cpuBefore) / 1e7 / seconds);
        System.out.printf("CPU of the agent's event loop: %.0f %% of a core, %.0f µs per report%n", (loopAfter - loopBefore) / 1e7 / seconds,
                (loopAfter - loopBefore) / 1e3 / Math.max(1, n));
        http.close().await();
        clients.close().await();
        agent.close().await();
    }

    private static void report(HttpClient http, SocketAddress address, int daemon, AtomicInteger sequence, long[] sent, long[] answered,
            AtomicLong measureTo, AtomicInteger failures, CountDownLatch done) {
        int seq = sequence.getAndIncrement();
        if (System.nanoTime() >= measureTo.get() || seq >= sent.length) {
            done.countDown();
            return;
        }
        Buffer body = Buffer.buffer("{\"status\":\"True\",\"reason\":\"Bench\",\"message\":\"m-" + seq + "\"}");
        sent[seq] = System.nanoTime();
        http.request(new RequestOptions().setServer(address).setMethod(HttpMethod.PUT).setURI("/v1/daemons/bench-" + daemon + "/conditions/BenchProblem" + daemon))
                .compose(r -> r.send(body).compose(response -> response.body().map(b -> response.statusCode())))
                .onComplete(result -> {
                    answered[seq] = System.nanoTime();
                    if (result.failed() || result.result() != 200) {
                        failures.incrementAndGet();
                    }
                    report(http, address, daemon, sequence, sent, answered, measureTo, failures, done);
                });
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static long threadCpu(long id) {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(id);
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
