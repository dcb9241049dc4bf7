package io.kvasir.gateway.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The admin surface under {@code /admin} ({@code kvasir.admin.*}).
 *
 * @param allowedHosts host names (without port) admin requests may carry in {@code Host}; empty: any. Set it in
 *        production to the names the console is reached by, so DNS-rebinding pages cannot talk to it
 * @param allowedOrigins origins ({@code https://console.example.com}) besides the gateway's own that may send
 *        unsafe admin requests from a browser
 * @param passwordIterations PBKDF2 iterations for new admin password hashes
 * @param credentialCacheTtl how long a verified name and password are remembered, so that HTTP Basic does not
 *        cost a PBKDF2 run per request
 */
@ConfigurationProperties("kvasir.admin")
public record AdminProperties(
        @DefaultValue({}) List<String> allowedHosts,
        @DefaultValue({}) List<String> allowedOrigins,
        @DefaultValue("600000") int passwordIterations,
        @DefaultValue("5m") Duration credentialCacheTtl) {
}
