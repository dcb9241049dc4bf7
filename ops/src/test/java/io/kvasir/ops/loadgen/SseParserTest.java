package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SseParserTest {

    private final List<String> events = new ArrayList<>();
    private final SseParser parser = new SseParser(new SseParser.Listener() {
        @Override
        public void onEvent(String event, String data) {
            events.add(event + "|" + data);
        }

        @Override
        public void onComment(String comment) {
            events.add("comment|" + comment);
        }
    });

    private void feed(String stream) {
        for (String line : stream.split("\n", -1)) {
            parser.line(line);
        }
    }

    @Test
    void aBlankLineDispatchesTheDataBeforeIt() {
        feed("data: {\"a\":1}\n\ndata: [DONE]\n\n");
        assertThat(events).containsExactly("message|{\"a\":1}", "message|[DONE]");
    }

    @Test
    void dataLinesOfOneEventJoinWithNewlines() {
        feed("data: first\ndata:second\ndata:  third\n\n");
        assertThat(events).containsExactly("message|first\nsecond\n third");
    }

    @Test
    void commentsAreHeartbeatsAndDoNotDispatchData() {
        feed(": ping\ndata: x\n:\n\n");
        assertThat(events).containsExactly("comment| ping", "comment|", "message|x");
    }

    @Test
    void carriageReturnsOfCrLfStreamsAreDropped() {
        feed("data: x\r\n\r\ndata: y\r\n\r\n");
        assertThat(events).containsExactly("message|x", "message|y");
    }

    @Test
    void anEventFieldNamesOnlyTheNextEvent() {
        feed("event: error\ndata: {\"error\":{}}\n\ndata: z\n\n");
        assertThat(events).containsExactly("error|{\"error\":{}}", "message|z");
    }

    @Test
    void idRetryAndUnknownFieldsAreIgnoredAndBlankLinesWithoutDataDispatchNothing() {
        feed("id: 7\nretry: 100\nfoo: bar\n\n\n\ndata\n\n");
        assertThat(events).containsExactly("message|");
    }

    @Test
    void endDispatchesAnEventWhoseBlankLineNeverCame() {
        feed("data: last");
        assertThat(events).isEmpty();
        parser.end();
        parser.end();
        assertThat(events).containsExactly("message|last");
    }
}
