package io.kvasir.gateway.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Serves the admin console at {@code /admin/} when its jar is on the class path ({@link AdminConsole}). */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConsoleConfiguration.class);

    @Bean
    RouterFunction<ServerResponse> adminConsoleRoutes() {
        AdminConsole console = AdminConsole.fromClassPath(ConsoleConfiguration.class.getClassLoader());
        if (console.installed()) {
            log.info("Admin console at {}", AdminConsole.PATH);
        } else {
            log.info("Admin console not installed (no {} on the class path); the admin API works without it.",
                    AdminConsole.CLASSPATH_LOCATION);
        }
        return console.routes();
    }
}
