package io.kvasir.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Kvasir gateway: serves the configured models over an OpenAI-compatible HTTP API. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KvasirGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(KvasirGatewayApplication.class, args);
    }
}
