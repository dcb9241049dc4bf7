package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.ObjectMapper;

class CompletionStreamTest {

    private long now;
    private final StreamRecorder recorder = new StreamRecorder(2, 1_000);
    private final CompletionStream stream = new CompletionStream(recorder, new ObjectMapper(), () -> now);
    private final SseParser parser = new SseParser(stream);

    private void at(long nanos, String sseLines) {
        now = nanos;
        for (String line : sseLines.split("\n", -1)) {
            parser.line(line);
        }
    }

    @Test
    void chatChunksAreTimedFromTheFirstTextAndUsageIsKept() {
        at(1_500, "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n");
        at(4_000, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n");
        at(4_500, ": keep-alive\n");
        at(5_000, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n");
        at(7_000, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n");
        at(7_100, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":8}}}\n");
        at(7_200, "data: [DONE]\n");

        RequestRecord record = stream.finish(8_000);
        assertThat(record.succeeded()).isTrue();
        assertThat(record.tenantIndex()).isEqualTo(2);
        assertThat(record.ttftNanos()).isEqualTo(3_000);
        assertThat(record.chunkGapsNanos()).containsExactly(1_000);
        assertThat(record.numTextChunks()).isEqualTo(2);
        assertThat(record.promptTokens()).isEqualTo(12);
        assertThat(record.cachedPromptTokens()).isEqualTo(8);
        assertThat(record.outputTokens()).isEqualTo(3);
        assertThat(record.latencyNanos()).isEqualTo(7_000);
        assertThat(recorder.finishReason()).isEqualTo("length");
        assertThat(stream.numHeartbeats()).isEqualTo(1);
    }

    @Test
    void completionChunksCarryTheirTextInChoicesText() {
        at(2_000, "data: {\"choices\":[{\"text\":\" once\",\"index\":0}]}\n");
        at(2_600, "data: {\"choices\":[{\"text\":\" upon\",\"index\":0,\"finish_reason\":null}]}\n");
        at(2_700, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2}}\n");
        at(2_800, "data: [DONE]\n");

        RequestRecord record = stream.finish(3_000);
        assertThat(record.succeeded()).isTrue();
        assertThat(record.ttftNanos()).isEqualTo(1_000);
        assertThat(record.chunkGapsNanos()).containsExactly(600);
        assertThat(record.cachedPromptTokens()).as("not reported").isEqualTo(-1);
    }

    @Test
    void anErrorObjectInTheStreamFailsIt() {
        at(2_000, "data: {\"choices\":[{\"text\":\"a\"}]}\n");
        at(3_000, "data: {\"error\":{\"message\":\"engine stopped\",\"type\":\"server_error\"}}\n");
        at(3_100, "data: [DONE]\n");
        RequestRecord record = stream.finish(4_000);
        assertThat(record.outcome()).isEqualTo(CompletionStream.STREAM_ERROR);
        assertThat(record.errorMessage()).isEqualTo("engine stopped");
    }

    @Test
    void anErrorEventFailsTheStreamEvenWithoutAnErrorObject() {
        at(2_000, "event: error\ndata: {\"detail\":\"overloaded\"}\n");
        assertThat(stream.finish(3_000).outcome()).isEqualTo(CompletionStream.STREAM_ERROR);
    }

    @Test
    void aMalformedChunkFailsTheStream() {
        at(2_000, "data: {not json\n");
        RequestRecord record = stream.finish(3_000);
        assertThat(record.outcome()).isEqualTo(CompletionStream.STREAM_ERROR);
        assertThat(record.errorMessage()).contains("malformed chunk");
    }

    @Test
    void aStreamThatClosesBeforeDoneIsIncomplete() {
        at(2_000, "data: {\"choices\":[{\"text\":\"a\"}]}\n");
        parser.end();
        RequestRecord record = stream.finish(3_000);
        assertThat(record.outcome()).isEqualTo(CompletionStream.INCOMPLETE);
        assertThat(record.errorMessage()).contains("1 text chunks");
        assertThat(stream.isDone()).isFalse();
    }
}
