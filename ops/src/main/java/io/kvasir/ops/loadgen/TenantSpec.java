package io.kvasir.ops.loadgen;

import java.util.Locale;

/**
 * One simulated tenant: its name (for the report), its API key (sent as {@code Authorization: Bearer}), and
 * how it loads the gateway: open loop at a Poisson rate, or closed loop with a number of users who each send
 * their next request when the previous one ends.
 *
 * <p>Written as {@code NAME:KEY:RATE}, {@code NAME:KEY:rate=R} or {@code NAME:KEY:users=N}; the key may be
 * empty ({@code NAME::users=4}) for a gateway without authentication, but may not contain {@code :}.
 */
record TenantSpec(String name, String apiKey, Load load) {

    /** How a tenant sends requests. */
    sealed interface Load {
        /** As written after the key. */
        String spec();
    }

    /** Open loop: Poisson arrivals at {@code perSecond} requests per second. */
    record Rate(double perSecond) implements Load {
        public Rate {
            if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("a rate must be a positive finite number of requests/s, got " + perSecond);
            }
        }

        @Override
        public String spec() {
            return "rate=" + perSecond;
        }
    }

    /** Closed loop: {@code count} users, each with one request in flight at a time. */
    record Users(int count) implements Load {
        public Users {
            if (count < 1) {
                throw new IllegalArgumentException("users must be at least 1, got " + count);
            }
        }

        @Override
        public String spec() {
            return "users=" + count;
        }
    }

    TenantSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tenant needs a name");
        }
        apiKey = apiKey == null ? "" : apiKey;
    }

    /**
     * Parses {@code NAME:KEY:LOAD}.
     *
     * @param option the option it came from, named in the error
     */
    static TenantSpec parse(String spec, String option) {
        String[] parts = spec.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(option + " '" + spec + "': expected NAME:KEY:RATE, NAME:KEY:rate=R or NAME:KEY:users=N");
        }
        try {
            return new TenantSpec(parts[0].strip(), parts[1].strip(), parseLoad(parts[2].strip().toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
            throw new IllegalArgumentException(option + " '" + spec + "': " + why, e);
        }
    }

    /** Never shows the key: reports and error messages print tenants. */
    @Override
    public String toString() {
        return name + ":" + (apiKey.isEmpty() ? "" : "***") + ":" + load.spec();
    }

    private static Load parseLoad(String text) {
        if (text.startsWith("users=")) {
            return new Users(Integer.parseInt(text.substring("users=".length())));
        }
        return new Rate(Double.parseDouble(text.startsWith("rate=") ? text.substring("rate=".length()) : text));
    }
}
