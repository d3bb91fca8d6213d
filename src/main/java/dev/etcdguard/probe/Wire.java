package dev.etcdguard.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/** Raw socket helpers of the probe: connect, send one request, read a bounded answer, never hang. */
final class Wire {

    private static final int MAX_REASON = 200;

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("etcdguard-probe-deadline").factory());

    private Wire() {
    }

    /**
     * What a read got before it ended.
     *
     * @param data     the bytes read (possibly some even when {@code error} is set)
     * @param error    why reading stopped early, or null for end of stream, enough data, or the size limit
     * @param timedOut the read ran out of time
     */
    record Received(byte[] data, IOException error, boolean timedOut) {
        boolean isEmpty() {
            return data.length == 0;
        }

        String text() {
            return new String(data, StandardCharsets.ISO_8859_1);
        }
    }

    /** A TCP connection to {@code address}, with Nagle off. */
    static Socket connect(InetSocketAddress address, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, millis(timeout));
            return socket;
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** The ASCII bytes of {@code GET path HTTP/1.1} with a Host header and {@code Connection: close}. */
    static byte[] get(String path, Endpoint endpoint) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + endpoint.address() + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes {@code request} on {@code io} and reads the answer until the end of the stream, {@code limit} bytes, or
     * {@code enough} says so, all within {@code timeout}; when time is up, {@code raw} (the TCP socket under
     * {@code io}) is closed.
     */
    static Received exchange(Socket io, Socket raw, byte[] request, int limit, Duration timeout,
                             Predicate<byte[]> enough) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Deadline deadline = Deadline.closing(raw, timeout)) {
            try {
                io.setSoTimeout(millis(timeout));
                OutputStream out = io.getOutputStream();
                out.write(request);
                out.flush();
                InputStream in = io.getInputStream();
                byte[] buffer = new byte[Math.min(limit, 8192)];
                while (received.size() < limit && !enough.test(received.toByteArray())) {
                    int n = in.read(buffer, 0, Math.min(buffer.length, limit - received.size()));
                    if (n < 0) {
                        break;
                    }
                    received.write(buffer, 0, n);
                }
                return new Received(received.toByteArray(), null, false);
            } catch (IOException e) {
                return new Received(received.toByteArray(), e, deadline.fired() || e instanceof SocketTimeoutException);
            }
        }
    }

    /** A short, single-line reason for humans; network exceptions carry no secrets. */
    static String reason(Throwable e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getMessage().strip();
        message = message.replaceAll("\\p{Cntrl}+", " ");
        return message.length() > MAX_REASON ? message.substring(0, MAX_REASON) + "..." : message;
    }

    static int millis(Duration timeout) {
        return Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // nothing left to do with a connection being discarded
        }
    }

    /**
     * Closes a socket when time is up, so that no blocking call on it (a handshake that trickles, a read that
     * never ends) outlives its timeout. Closing it cancels the timer.
     */
    static final class Deadline implements AutoCloseable {
        private final AtomicBoolean fired = new AtomicBoolean();
        private final ScheduledFuture<?> timer;

        private Deadline(Socket socket, Duration timeout) {
            this.timer = TIMER.schedule(() -> {
                fired.set(true);
                closeQuietly(socket);
            }, millis(timeout), TimeUnit.MILLISECONDS);
        }

        static Deadline closing(Socket socket, Duration timeout) {
            return new Deadline(socket, timeout);
        }

        /** True once the socket was closed because time ran out. */
        boolean fired() {
            return fired.get();
        }

        @Override
        public void close() {
            timer.cancel(false);
        }
    }
}
