package io.kvasir.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * HTTP written straight to a socket: request lines exactly as given, so tests can put paths on the wire that HTTP
 * clients would normalise first ({@code /v1/../admin}, {@code //admin}); and requests a test can read part of and
 * then abandon the way a crashed client does (a connection reset).
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** The response's status code for {@code METHOD rawPath HTTP/1.1} with the given extra header lines. */
    public static int status(int port, String method, String rawPath, String... headerLines) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder(method).append(' ').append(rawPath).append(" HTTP/1.1\r\n")
                    .append("Host: localhost:").append(port).append("\r\n").append("Connection: close\r\n");
            for (String header : headerLines) {
                request.append(header).append("\r\n");
            }
            request.append("Content-Length: 0\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder statusLine = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                statusLine.append((char) c);
            }
            String[] parts = statusLine.toString().split(" ");
            if (parts.length < 2) {
                throw new IOException("no status line in the response: '" + statusLine + "'");
            }
            return Integer.parseInt(parts[1]);
        }
    }

    /** Sends {@code POST path} with a JSON body (and the API key, when given) and leaves the response unread. */
    public static Exchange post(int port, String path, @Nullable String apiKey, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + (apiKey == null ? "" : "Authorization: Bearer " + apiKey + "\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return new Exchange(socket);
    }

    /** A request sent on its own connection, whose response the test reads as far as it likes. */
    public static final class Exchange implements AutoCloseable {

        private final Socket socket;
        private final StringBuilder received = new StringBuilder();

        private Exchange(Socket socket) {
            this.socket = socket;
        }

        /** Reads until what arrived contains {@code text} (or the server closed); returns everything read so far. */
        public String readUntil(String text) throws IOException {
            byte[] buffer = new byte[4096];
            InputStream in = socket.getInputStream();
            while (!received.toString().contains(text)) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            return received.toString();
        }

        /** Closes with a reset, as a client that crashes or times out does. */
        public void abort() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
