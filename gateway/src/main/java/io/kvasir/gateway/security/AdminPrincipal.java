package io.kvasir.gateway.security;

/**
 * The admin an {@code /admin} request is authenticated as, kept in the exchange under {@link #ATTRIBUTE}; the
 * audit log records its name.
 *
 * @param name the admin user's name
 */
public record AdminPrincipal(String name) {

    /** The exchange attribute holding the request's {@link AdminPrincipal}. */
    public static final String ATTRIBUTE = AdminPrincipal.class.getName();
}
