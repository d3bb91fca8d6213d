package dev.etcdguard.agent;

import dev.etcdguard.report.Trend;
import dev.etcdguard.scan.Scanner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import sun.misc.Signal;

/**
 * Runs the agent until SIGTERM or SIGINT: HTTP server, scan loop, SIGHUP for a rescan. On stop: no new scan, the
 * running one (and its store write) may finish for {@link #GRACE}, then the server stops.
 */
public final class AgentRunner {

    /** How long a stop waits for the running scan and its store write. */
    public static final Duration GRACE = Duration.ofSeconds(60);

    private final AgentConfig config;
    private final ScanSink sink;
    private final History history;
    private final PostureView view;
    private final PrintStream err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile AgentServer server;
    private volatile Agent agent;

    public AgentRunner(AgentConfig config, ScanSink sink, History history, PostureView view, PrintStream err) {
        this.config = config;
        this.sink = sink == null ? ScanSink.NONE : sink;
        this.history = history;
        this.view = view == null ? new PosturePage(30, Trend::empty) : view;
        this.err = err;
    }

    /** Starts server and loop, blocks until {@link #stop()} (or a signal), then shuts down. Returns the exit code. */
    public int run(boolean signals) throws IOException, InterruptedException {
        String token = null;
        if (config.tokenFile() != null) {
            token = Files.readString(config.tokenFile(), StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("--token-file " + config.tokenFile() + " is empty");
            }
        }
        SSLContext tls = config.tlsCert() == null ? null
                : AgentTls.context(config.tlsCert(), config.tlsKey(), config.clientCa());
        AgentState state = new AgentState();
        AgentMetrics metrics = new AgentMetrics();
        server = new AgentServer(new AgentServer.Options(config.listen(), token, tls, config.clientCa() != null, history,
                view), state, metrics);
        if (!config.listen().getAddress().isLoopbackAddress() && token == null && config.clientCa() == null) {
            err.println("etcdguard agent: warning: listening on " + hostText(config.listen()) + ":" + server.port()
                    + " beyond loopback without"
                    + " --token-file or --client-ca: anyone who reaches the port reads the posture");
        }
        agent = new Agent(new Scanner(config.rules()), config.request(), config.interval(), sink, metrics, state,
                config.host(), config.cluster(), err);
        if (signals) {
            handle("HUP", agent::rescan);
            handle("TERM", this::stop);
            handle("INT", this::stop);
        }
        server.start();
        err.println("etcdguard agent: listening on " + (tls == null ? "http" : "https") + "://"
                + hostText(config.listen()) + ":" + server.port() + ", scanning every " + config.interval()
                .toString().substring(2).toLowerCase(java.util.Locale.ROOT));
        agent.start();
        stop.await();
        boolean finished = agent.stop(GRACE);
        if (!finished) {
            err.println("etcdguard agent: the running scan did not finish within " + GRACE.toSeconds()
                    + " s; exiting (an unfinished store transaction is rolled back by the store)");
        }
        server.close();
        err.println("etcdguard agent: stopped");
        return 0;
    }

    /** Ends {@link #run}: no new scan; the running one finishes. */
    public void stop() {
        stop.countDown();
    }

    /** The bound port once the server started, else -1. */
    public int port() {
        AgentServer s = server;
        return s == null ? -1 : s.port();
    }

    /** Asks for a rescan (as SIGHUP does). */
    public void rescan() {
        Agent a = agent;
        if (a != null) {
            a.rescan();
        }
    }

    private void handle(String signal, Runnable action) {
        try {
            Signal.handle(new Signal(signal), s -> action.run());
        } catch (IllegalArgumentException e) {
            err.println("etcdguard agent: warning: cannot handle SIG" + signal + ": " + e.getMessage());
        }
    }

    private static String hostText(java.net.InetSocketAddress a) {
        String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return h.contains(":") ? "[" + h + "]" : h;
    }
}
