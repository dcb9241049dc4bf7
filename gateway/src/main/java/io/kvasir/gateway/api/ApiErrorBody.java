package io.kvasir.gateway.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders an {@link ApiException} in OpenAI's error shape, {@code {"error":{"message","type","param","code"}}},
 * for code that answers outside the handlers (web filters). Headers such as {@code Retry-After} or
 * {@code WWW-Authenticate} are the caller's to set before {@link #write}.
 */
public final class ApiErrorBody {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ApiErrorBody() {
    }

    /** The error as JSON bytes. */
    public static byte[] json(ApiException error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", error.getMessage());
        body.put("type", error.type());
        body.put("param", error.param());
        body.put("code", error.code());
        return JSON.writeValueAsString(Map.of("error", body)).getBytes(StandardCharsets.UTF_8);
    }

    /** Sets the status and content type and writes the body; the response is committed afterwards. */
    public static Mono<Void> write(ServerHttpResponse response, ApiException error) {
        response.setStatusCode(error.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        DataBuffer buffer = response.bufferFactory().wrap(json(error));
        return response.writeWith(Mono.just(buffer));
    }
}
