package io.kvasir.gateway.admin;

import io.kvasir.gateway.profile.InvalidProfileException;
import io.kvasir.gateway.profile.ProfileProblem;
import io.kvasir.gateway.profile.StaleVersionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The two failures of the model and profile controllers that say more than OpenAI's error shape holds: an invalid
 * profile is 400 {@code invalid_profile} whose {@code param} names the first problem's field and whose
 * {@code problems} lists every problem; a stale version is 409 {@code stale_version} with the current version as
 * {@code ETag}. Every other failure goes the gateway's one error path
 * ({@link io.kvasir.gateway.api.ApiErrorHandler}).
 */
@RestControllerAdvice(assignableTypes = ModelAdminController.class)
class AdminErrorHandler {

    @ExceptionHandler(InvalidProfileException.class)
    ResponseEntity<Map<String, Object>> invalidProfile(InvalidProfileException error) {
        List<ProfileProblem> problems = error.problems();
        Map<String, Object> body = errorBody("The profile has " + problems.size() + (problems.size() == 1 ? " problem: " : " problems: ")
                + String.join("; ", problems.stream().map(ProfileProblem::toString).toList()), problems.getFirst().field(),
                "invalid_profile");
        body.put("problems", problems.stream().map(p -> Map.of("field", p.field(), "message", p.message())).toList());
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(Map.of("error", body));
    }

    @ExceptionHandler(StaleVersionException.class)
    ResponseEntity<Map<String, Object>> staleVersion(StaleVersionException error) {
        Map<String, Object> body = errorBody("The profile of '" + error.model() + "' changed since version "
                + error.expectedVersion() + (error.currentVersion() < 0 ? "" : "; it is at version " + error.currentVersion())
                + ". Read it again and reapply your change.", HttpHeaders.IF_MATCH, "stale_version");
        var response = ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_JSON);
        if (error.currentVersion() >= 0) {
            response.header(HttpHeaders.ETAG, ModelAdminController.etag(error.currentVersion()));
        }
        return response.body(Map.of("error", body));
    }

    private static Map<String, Object> errorBody(String message, String param, String code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("type", "invalid_request_error");
        body.put("param", param);
        body.put("code", code);
        return body;
    }
}
