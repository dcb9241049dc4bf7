package io.kvasir.ops.loadgen;

/**
 * Turns the lines of a {@code text/event-stream} into events, following the WHATWG rules that OpenAI-style
 * servers rely on: {@code data:} lines accumulate (joined by newlines) until a blank line dispatches them, a
 * line starting with {@code :} is a comment (servers send them as heartbeats), {@code event:} names the next
 * event, one space after the colon is dropped, other fields ({@code id}, {@code retry}) are ignored.
 *
 * <p>Lines are given without their line terminator; a trailing carriage return is dropped, so CRLF streams
 * split at LF parse the same. {@link #end()} dispatches data still pending when the stream closes without a
 * final blank line. Not thread-safe: one stream's lines arrive in order on one thread at a time.
 */
final class SseParser {

    /** Receives the parsed events. */
    interface Listener {
        /** One event; {@code event} is {@code message} unless an {@code event:} field named it. */
        void onEvent(String event, String data);

        /** A comment line, without the leading colon. */
        void onComment(String comment);
    }

    private static final String DEFAULT_EVENT = "message";

    private final Listener listener;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String event = DEFAULT_EVENT;

    SseParser(Listener listener) {
        this.listener = listener;
    }

    /** Parses one line. */
    void line(String rawLine) {
        String line = rawLine.endsWith("\r") ? rawLine.substring(0, rawLine.length() - 1) : rawLine;
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            listener.onComment(line.substring(1));
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> event = value;
            default -> {
                // id, retry and unknown fields carry nothing a load generator needs.
            }
        }
    }

    /** The stream ended: dispatches an event whose closing blank line never came. */
    void end() {
        dispatch();
    }

    private void dispatch() {
        if (hasData) {
            String payload = data.toString();
            String name = event;
            data.setLength(0);
            hasData = false;
            event = DEFAULT_EVENT;
            listener.onEvent(name, payload);
        } else {
            event = DEFAULT_EVENT;
        }
    }
}
