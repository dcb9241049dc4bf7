package io.kvasir.gateway.tenant;

import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.store.TenantLimits;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A tenant to create, as the admin API receives it; absent fields take defaults.
 *
 * @param id {@code [a-z0-9][a-z0-9_-]{0,63}}; absent: derived from the name
 * @param name display name, 1 to 200 characters
 * @param weight fair-share weight, positive and at most 10^6; absent: 1
 * @param prefixGroup tenants naming the same group share prefix-cache entries; absent: none
 * @param limits limits; absent fields: {@code kvasir.tenants.default-limits}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TenantSpec(@Nullable String id, @Nullable String name, @Nullable Double weight,
        @Nullable String prefixGroup, @Nullable LimitsChange limits) {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    static final double MAX_WEIGHT = 1e6;

    /** The id to create: the given one, or one made from the name ("Acme Corp" → {@code acme-corp}). */
    String resolvedId() {
        if (id != null) {
            return checkedId("id", id);
        }
        String slug = validName(name).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (slug.isEmpty()) {
            throw ApiException.invalidRequest("id", "The name has no letters or digits to make an id from; give an id.");
        }
        return slug.length() > 64 ? slug.substring(0, 64).replaceAll("-+$", "") : slug;
    }

    static String checkedId(String param, String value) {
        if (!ID.matcher(value).matches()) {
            throw ApiException.invalidRequest(param, "'" + param + "' must match [a-z0-9][a-z0-9_-]{0,63}.");
        }
        return value;
    }

    static String validName(@Nullable String name) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw ApiException.invalidRequest("name", "'name' must be 1 to 200 characters.");
        }
        return name.strip();
    }

    static double validWeight(@Nullable Double weight, double fallback) {
        if (weight == null) {
            return fallback;
        }
        if (!(weight > 0) || weight > MAX_WEIGHT) {
            throw ApiException.invalidRequest("weight", "'weight' must be a number in (0, 1000000].");
        }
        return weight;
    }

    static @Nullable String validPrefixGroup(@Nullable String group) {
        return group == null || group.isEmpty() ? null : checkedId("prefix_group", group);
    }

    /**
     * Some or all limit fields; absent ones keep their previous (or default) value.
     *
     * @param requestsPerMinute 0: unlimited
     * @param tokensPerMinute 0: unlimited
     * @param maxConcurrent at least 1
     * @param maxQueued at least 0
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LimitsChange(@Nullable Integer requestsPerMinute, @Nullable Long tokensPerMinute,
            @Nullable Integer maxConcurrent, @Nullable Integer maxQueued) {

        /** These fields laid over {@code base}. */
        TenantLimits over(TenantLimits base) {
            try {
                return new TenantLimits(
                        requestsPerMinute == null ? base.requestsPerMinute() : requestsPerMinute,
                        tokensPerMinute == null ? base.tokensPerMinute() : tokensPerMinute,
                        maxConcurrent == null ? base.maxConcurrent() : maxConcurrent,
                        maxQueued == null ? base.maxQueued() : maxQueued);
            } catch (IllegalArgumentException e) {
                String message = e.getMessage();
                throw ApiException.invalidRequest("limits." + message.substring(0, message.indexOf(' ')), message);
            }
        }
    }
}
