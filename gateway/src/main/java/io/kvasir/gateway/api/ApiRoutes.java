package io.kvasir.gateway.api;

import io.kvasir.gateway.api.models.ModelsHandler;
import io.kvasir.gateway.api.openai.ChatCompletionHandler;
import io.kvasir.gateway.api.openai.CompletionHandler;
import io.kvasir.gateway.api.tokenize.TokenizeHandlers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The API's routes: one handler per endpoint. */
@Configuration(proxyBeanMethods = false)
public class ApiRoutes {

    @Bean
    RouterFunction<ServerResponse> openAiRoutes(ChatCompletionHandler chat, CompletionHandler completions,
            ModelsHandler models, TokenizeHandlers tokenize) {
        return RouterFunctions.route()
                .POST("/v1/chat/completions", chat::handle)
                .POST("/v1/completions", completions::handle)
                .GET("/v1/models", models::list)
                .GET("/v1/models/{id}", models::get)
                .POST("/tokenize", tokenize::tokenize)
                .POST("/detokenize", tokenize::detokenize)
                .build();
    }
}
