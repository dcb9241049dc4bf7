package io.kvasir.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Checks that a response is an error in OpenAI's shape with the expected status, parameter and code. */
public final class ApiAssertions {

    private ApiAssertions() {
    }

    /** The error object, after checking status, shape, {@code param} and (when given) {@code code}. */
    public static JsonNode assertApiError(Http.Response response, int status, @Nullable String param, @Nullable String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode error = response.json().get("error");
        assertThat(error).as(response.body()).isNotNull();
        assertThat(error.propertyNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(error.get("message").asString()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(error.get("type").asString()).isNotBlank();
        if (param == null) {
            assertThat(error.get("param").isNull()).as(response.body()).isTrue();
        } else {
            assertThat(error.get("param").asString()).as(response.body()).isEqualTo(param);
        }
        if (code != null) {
            assertThat(error.get("code").asString()).as(response.body()).isEqualTo(code);
        }
        return error;
    }
}
