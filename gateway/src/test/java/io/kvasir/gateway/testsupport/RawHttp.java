package io.kvasir.gateway.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends a request line exactly as written, so tests can put paths on the wire that HTTP clients would
 * normalise first ({@code /v1/../admin}, {@code //admin}).
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
}
