package io.kvasir.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.testing.GatewayTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.gateway.testing.TestModels;
import io.kvasir.gateway.testing.TestModels.ScriptedEngine;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Flux;

/**
 * Slow and stuck clients cannot hold the server (RELIABILITY.md item 20): a slowloris trickling headers and an
 * idle connection get a 408 and are closed; a body that stops arriving times out; a streaming client that never
 * reads is disconnected by the write timeout, which cancels its generation.
 */
@TestPropertySource(properties = {
        "kvasir.server.request-head-timeout=600ms",
        "kvasir.server.read-timeout=600ms",
        "kvasir.server.write-timeout=600ms"})
class SlowClientTest extends GatewayTestBase {

    @Autowired
    TestModels.ScriptedEngine scripted;

    @Test
    void slowlorisTricklingHeadersGetsA408AndIsClosed() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = null;
            for (int i = 0; i < 50 && response == null; i++) {
                try {
                    out.write(("X-Slow-" + i + ": x\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (SocketException closed) {
                    break;
                }
                Thread.sleep(150);
                if (socket.getInputStream().available() > 0) {
                    response = readToEnd(socket.getInputStream());
                }
            }
            if (response == null) {
                response = readToEnd(socket.getInputStream());
            }
            // Reactor Netty's read timeout closes the connection (with a 408 when one can still be written)
            assertThat(response).satisfiesAnyOf(r -> assertThat(r).isEmpty(), r -> assertThat(r).startsWith("HTTP/1.1 408"));
        }
    }

    @Test
    void idleConnectionIsClosed() throws Exception {
        try (Socket socket = connect()) {
            assertThat(readToEnd(socket.getInputStream())).isEmpty();
        }
    }

    @Test
    void bodyThatStopsArrivingTimesOut() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + DEMO_KEY + "\r\n"
                    + "Content-Length: 200\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readToEnd(socket.getInputStream());
            // Reactor Netty's read timeout closes the connection (with a 408 when one can still be written)
            assertThat(response).satisfiesAnyOf(r -> assertThat(r).isEmpty(), r -> assertThat(r).startsWith("HTTP/1.1 408"));
        }
        awaitAdmissionIdle();
    }

    @Test
    void streamingClientThatNeverReadsIsDisconnectedAndItsGenerationCancelled() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        String bigText = "x".repeat(4096);
        // a generation of 10,000 large tokens, 5 ms apart: far more than socket buffers hold
        scripted.script(request -> Flux.<GenerationEvent>just(new GenerationEvent.Queued(request.requestId()))
                .concatWith(Flux.interval(Duration.ofMillis(5)).take(10_000).map(i -> ScriptedEngine.token(1, bigText)))
                .concatWith(Flux.just(ScriptedEngine.finished(request, 10_000)))
                .doOnCancel(() -> cancelled.set(true)));
        String body = "{\"model\":\"scripted\",\"prompt\":\"Once\",\"max_tokens\":100,\"stream\":true}";
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(2048);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + DEMO_KEY + "\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            // never read: the server's writes stall and the write timeout closes the connection
            awaitTrue(cancelled::get, "the stalled stream's generation is cancelled");
            socket.setSoTimeout(20_000);
            assertThat(readToEnd(socket.getInputStream())).startsWith("HTTP/1.1 200").doesNotContain("[DONE]");
        }
        awaitAdmissionIdle();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // closed by the server
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
