package io.kvasir.engine.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvasir.engine.testing.SharedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Renders every case in {@code shared/templates/expected.json} (real chat templates from Hugging Face, with the text
 * transformers renders for them or the error the template raises) and compares exactly.
 */
class ChatTemplateGoldenTest {

    /**
     * Cases known not to match, keyed by {@code template + " / " + case}, with the reason. Empty: every case matches.
     * An entry here that starts matching fails {@link #rendersEveryCaseOutsideTheKnownGaps()} so the list stays true.
     */
    private static final Map<String, String> KNOWN_GAPS = Map.of();

    @TestFactory
    Stream<DynamicTest> rendersEachCaseLikeTransformers() {
        return loadCases().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            if (KNOWN_GAPS.containsKey(c.id())) {
                return;
            }
            if (c.expectedError() != null) {
                assertThatThrownBy(c::render).isInstanceOf(ChatTemplateException.class)
                        .hasMessage(c.expectedError());
            } else {
                assertThat(c.render()).isEqualTo(c.expected());
            }
        }));
    }

    @Test
    void rendersEveryCaseOutsideTheKnownGaps() {
        List<Case> cases = loadCases();
        List<String> unexpected = new ArrayList<>();
        List<String> gapsNowPassing = new ArrayList<>();
        int numMatching = 0;
        for (Case c : cases) {
            boolean matches = c.matches();
            if (matches) {
                numMatching++;
            }
            if (KNOWN_GAPS.containsKey(c.id())) {
                if (matches) {
                    gapsNowPassing.add(c.id());
                }
            } else if (!matches) {
                unexpected.add(c.id());
            }
        }
        System.out.printf("chat templates: %d/%d cases match exactly (%d known gaps)%n", numMatching, cases.size(),
                KNOWN_GAPS.size());
        assertThat(cases).hasSizeGreaterThanOrEqualTo(60);
        assertThat(unexpected).as("cases that should match but do not").isEmpty();
        assertThat(gapsNowPassing).as("known gaps that now match: remove them from KNOWN_GAPS").isEmpty();
    }

    private record Case(String template, String caseName, Path templateFile, List<ChatMessage> messages,
            boolean addGenerationPrompt, String bosToken, String eosToken, String expected, String expectedError) {

        String id() {
            return template + " / " + caseName;
        }

        String render() {
            return TEMPLATES.computeIfAbsent(templateFile, Case::compileFile)
                    .render(messages, addGenerationPrompt, bosToken, eosToken);
        }

        boolean matches() {
            try {
                String rendered = render();
                return expectedError == null && rendered.equals(expected);
            } catch (ChatTemplateException e) {
                return expectedError != null && expectedError.equals(e.getMessage());
            }
        }

        private static ChatTemplate compileFile(Path file) {
            try {
                return ChatTemplate.compile(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final Map<Path, ChatTemplate> TEMPLATES = new HashMap<>();

    private static List<Case> loadCases() {
        Path expectedFile = SharedFiles.require("templates/expected.json");
        JsonNode root = new ObjectMapper().readTree(expectedFile.toFile());
        List<Case> cases = new ArrayList<>();
        for (JsonNode entry : root) {
            String template = entry.get("template").asString();
            List<ChatMessage> messages = new ArrayList<>();
            for (JsonNode message : entry.get("messages")) {
                messages.add(new ChatMessage(message.get("role").asString(), message.get("content").asString()));
            }
            cases.add(new Case(template, entry.get("case").asString(), expectedFile.resolveSibling(template), messages,
                    entry.get("add_generation_prompt").asBoolean(), entry.get("bos_token").asString(),
                    entry.get("eos_token").asString(), entry.has("expected") ? entry.get("expected").asString() : null,
                    entry.has("expected_error") ? entry.get("expected_error").asString() : null));
        }
        return cases;
    }
}
