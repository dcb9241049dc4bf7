package io.kvasir.springai.example;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Reads lines from standard input and streams each reply to standard output, one conversation, with the
 * tokens each turn used (the cached ones come from the prefix cache: the conversation so far).
 */
@Component
@ConditionalOnProperty(name = "kvasir.example.console", havingValue = "true", matchIfMissing = true)
class ConsoleChat implements ApplicationRunner {

    private final ChatAssistant assistant;

    ConsoleChat(ChatAssistant assistant) {
        this.assistant = assistant;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.print("you> ");
        out.flush();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.isBlank()) {
                turn(line, out);
            }
            out.print("you> ");
            out.flush();
        }
    }

    /** One turn: the reply as it streams, then its usage; a refused turn (say, past the context) prints why. */
    private void turn(String line, PrintStream out) {
        out.print("kvasir> ");
        AtomicReference<ChatResponse> last = new AtomicReference<>();
        try {
            assistant.streamReply("console", line).doOnNext(last::set).doOnNext(response -> {
                out.print(response.getResult().getOutput().getText());
                out.flush();
            }).blockLast();
        } catch (RuntimeException e) {
            out.printf("%n  [refused: %s]%n", e.getMessage());
            return;
        }
        Reply usage = Reply.of(last.get());
        out.printf("%n  [prompt %d tokens, %d from the prefix cache; %d generated]%n", usage.promptTokens(),
                usage.cachedPromptTokens(), usage.completionTokens());
    }
}
