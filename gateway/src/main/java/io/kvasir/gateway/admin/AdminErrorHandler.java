package io.kvasir.gateway.admin;

import io.kvasir.gateway.api.ApiErrorBody;
import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.profile.InvalidProfileException;
import io.kvasir.gateway.profile.ProfileProblem;
import io.kvasir.gateway.profile.StaleVersionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Renders failures of the model, profile, plugin, statistics and strategies controllers in OpenAI's error shape,
 * as {@link ScopedErrorHandler} does for the tenant controllers, plus: an invalid profile as 400
 * {@code invalid_profile} whose {@code param} names the first problem's field and whose {@code problems} lists
 * every problem; a stale version as 409 {@code stale_version} with the current version in {@code ETag}; anything
 * unexpected as 500 without internals.
 */
@RestControllerAdvice(assignableTypes = {ModelAdminController.class, PluginAdminController.class,
        StatsAdminController.class, StrategiesAdminController.class})
class AdminErrorHandler extends ScopedErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(AdminErrorHandler.class);

    @ExceptionHandler(InvalidProfileException.class)
    ResponseEntity<Map<String, Object>> invalidProfile(InvalidProfileException error) {
        List<ProfileProblem> problems = error.problems();
        Map<String, Object> body = errorBody("The profile has " + problems.size() + (problems.size() == 1 ? " problem: " : " problems: ")
                + String.join("; ", problems.stream().map(ProfileProblem::toString).toList()), "invalid_request_error",
                problems.getFirst().field(), "invalid_profile");
        body.put("problems", problems.stream().map(p -> Map.of("field", p.field(), "message", p.message())).toList());
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(Map.of("error", body));
    }

    @ExceptionHandler(StaleVersionException.class)
    ResponseEntity<Map<String, Object>> staleVersion(StaleVersionException error) {
        Map<String, Object> body = errorBody("The profile of '" + error.model() + "' changed since version "
                + error.expectedVersion() + (error.currentVersion() < 0 ? "" : "; it is at version " + error.currentVersion())
                + ". Read it again and reapply your change.", "invalid_request_error", "If-Match", "stale_version");
        var response = ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_JSON);
        if (error.currentVersion() >= 0) {
            response.header(HttpHeaders.ETAG, ModelAdminController.etag(error.currentVersion()));
        }
        return response.body(Map.of("error", body));
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<byte[]> unexpected(RuntimeException error) {
        log.error("admin request failed", error);
        ApiException internal = new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", "internal_error", null,
                "The request failed inside the gateway; the log has the details.");
        return ResponseEntity.status(internal.status()).contentType(MediaType.APPLICATION_JSON).body(ApiErrorBody.json(internal));
    }

    private static Map<String, Object> errorBody(String message, String type, String param, String code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("type", type);
        body.put("param", param);
        body.put("code", code);
        return body;
    }
}
