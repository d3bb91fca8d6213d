package dev.etcdguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.report.ScanReport;
import dev.etcdguard.report.Trend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's HTTP server on 127.0.0.1 with raw requests: what it refuses, and readiness before the first scan. */
class AgentServerTest {

    private static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void refusesBodiesAndOtherMethodsAndIsNotReadyBeforeTheFirstScan() throws IOException {
        AgentState state = new AgentState();
        AgentMetrics metrics = new AgentMetrics();
        try (AgentServer server = new AgentServer(new AgentServer.Options(new InetSocketAddress(
                InetAddress.getLoopbackAddress(), 0), null, null, false, null, new PosturePage(30, Trend::empty)), state, metrics)) {
            server.start();
            int port = server.port();
            assertThat(raw(port, "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 503");
            assertThat(raw(port, "GET /api/v1/report HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 503");
            assertThat(raw(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"))
                    .startsWith("HTTP/1.1 413");
            assertThat(raw(port, "DELETE /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 405").contains("Allow: GET, HEAD");

            state.publish(new AgentState.Scan(new ScanReport(List.of(), List.of("no etcd <script>")), Instant.now(),
                    Duration.ofMillis(3), "h", ""));
            assertThat(raw(port, "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
            String page = raw(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(page).startsWith("HTTP/1.1 200").contains("no etcd &lt;script&gt;").doesNotContain("<script>");
        }
    }
}
