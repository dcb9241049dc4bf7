package io.kvasir.gateway.admin;

import io.kvasir.gateway.api.ApiErrorBody;
import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.tenant.UsageController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

/**
 * Renders failures of the tenant and admin controllers in OpenAI's error shape: {@link ApiException} as it is,
 * unreadable bodies and parameters (malformed JSON, wrong types) as 400, other framework refusals with their
 * status.
 */
@RestControllerAdvice(assignableTypes = {TenantAdminController.class, UsageController.class})
class ScopedErrorHandler {

    @ExceptionHandler(ApiException.class)
    ResponseEntity<byte[]> apiException(ApiException error) {
        return render(error);
    }

    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<byte[]> unreadableInput(ServerWebInputException error) {
        String detail = error.getReason() == null ? "The request could not be read." : error.getReason();
        Throwable cause = error.getMostSpecificCause();
        if (cause != error && cause.getMessage() != null) {
            detail += " " + firstLine(cause.getMessage());
        }
        // A request parameter is named; an unreadable body names none.
        String param = error.getMethodParameter() == null
                || error.getMethodParameter().hasParameterAnnotation(RequestBody.class) ? null
                : error.getMethodParameter().getParameterName();
        return render(ApiException.invalidRequest(param, detail));
    }

    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<byte[]> statusException(ResponseStatusException error) {
        HttpStatus status = HttpStatus.resolve(error.getStatusCode().value());
        return render(new ApiException(status == null ? HttpStatus.BAD_REQUEST : status, "invalid_request_error", null,
                null, error.getReason() == null ? status + "" : error.getReason()));
    }

    private static ResponseEntity<byte[]> render(ApiException error) {
        return ResponseEntity.status(error.status()).contentType(MediaType.APPLICATION_JSON).body(ApiErrorBody.json(error));
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
