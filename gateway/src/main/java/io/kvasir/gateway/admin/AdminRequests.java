package io.kvasir.gateway.admin;

import io.kvasir.gateway.security.AdminPrincipal;
import java.util.concurrent.Callable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** What the admin controllers share: who is asking, and running blocking work off the event loop. */
final class AdminRequests {

    private AdminRequests() {
    }

    /** The authenticated admin's name, for the audit log. */
    static String actor(ServerWebExchange exchange) {
        AdminPrincipal admin = exchange.getAttribute(AdminPrincipal.ATTRIBUTE);
        if (admin == null) {
            // The admin filter admits nothing under /admin without a principal; reaching here means it was bypassed.
            throw new IllegalStateException("admin request without an authenticated admin");
        }
        return admin.name();
    }

    /** Runs blocking work (the profile store, engine starts) on the bounded-elastic scheduler. */
    static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }
}
