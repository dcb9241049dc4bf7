package io.kvasir.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.Http;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ChatCompletionsTest extends GatewayTestBase {

    @Test
    void smoke() {
        Http http = new Http(baseUrl());
        Http.Response r = http.post("/v1/chat/completions", """
                {"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":20,"temperature":0}""");
        System.out.println(r.status() + " " + r.body());
        Http.Response s = http.post("/v1/chat/completions", """
                {"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":20,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}""");
        System.out.println(s.status() + " " + s.headers().map() + "\n" + s.body());
        assertThat(r.status()).isEqualTo(200);
    }
}
