package io.kvasir.engine.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvasir.engine.testing.SharedFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Every case in {@code shared/templates/expected.json} (renderings produced by Hugging Face transformers)
 * rendered through {@link ChatTemplate}: the text must match exactly, or the template must raise the same
 * message.
 */
class ChatTemplateGoldenTest {

    private static final String EXPECTED = "templates/expected.json";

    /** The cases known not to match, as "template / case", each with its reason in a comment. None today. */
    private static final Set<String> KNOWN_GAPS = Set.of();

    /** 17 templates x 4 conversations: 63 expected renderings and 5 expected template errors. */
    private static final int NUM_CASES = 68;

    private static final Map<String, ChatTemplate> COMPILED = new HashMap<>();

    record Case(String template, String name, List<ChatMessage> messages, boolean addGenerationPrompt,
                String bosToken, String eosToken, String expected, String expectedError) {

        String id() {
            return template + " / " + name;
        }

        @Override
        public String toString() {
            return id();
        }
    }

    static List<Case> cases() throws IOException {
        Path file = SharedFiles.require(EXPECTED);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Case> cases = new ArrayList<>();
        for (JsonNode entry : root) {
            List<ChatMessage> messages = new ArrayList<>();
            for (JsonNode message : entry.get("messages")) {
                JsonNode content = message.get("content");
                messages.add(new ChatMessage(message.get("role").asString(),
                        content == null || content.isNull() ? null : content.asString()));
            }
            cases.add(new Case(entry.get("template").asString(), entry.get("case").asString(), messages,
                    entry.get("add_generation_prompt").asBoolean(), text(entry, "bos_token"), text(entry, "eos_token"),
                    text(entry, "expected"), text(entry, "expected_error")));
        }
        return cases;
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    static Stream<Case> caseStream() throws IOException {
        return cases().stream();
    }

    private static synchronized ChatTemplate template(String fileName) throws IOException {
        ChatTemplate compiled = COMPILED.get(fileName);
        if (compiled == null) {
            Path file = SharedFiles.require(EXPECTED).resolveSibling(fileName);
            compiled = ChatTemplate.compile(Files.readString(file));
            COMPILED.put(fileName, compiled);
        }
        return compiled;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseStream")
    void rendersLikeTransformers(Case c) throws IOException {
        ChatTemplate template = template(c.template());
        if (KNOWN_GAPS.contains(c.id())) {
            assertThat(renderOrError(template, c)).as("known gap now matches: remove it from KNOWN_GAPS")
                    .isNotEqualTo(c.expected() != null ? c.expected() : c.expectedError());
            return;
        }
        if (c.expected() != null) {
            assertThat(template.render(c.messages(), c.addGenerationPrompt(), c.bosToken(), c.eosToken()))
                    .isEqualTo(c.expected());
        } else {
            assertThatThrownBy(() -> template.render(c.messages(), c.addGenerationPrompt(), c.bosToken(), c.eosToken()))
                    .isInstanceOf(ChatTemplateException.class)
                    .hasMessage(c.expectedError());
        }
    }

    private static String renderOrError(ChatTemplate template, Case c) {
        try {
            return template.render(c.messages(), c.addGenerationPrompt(), c.bosToken(), c.eosToken());
        } catch (ChatTemplateException e) {
            return e.getMessage();
        }
    }

    @Test
    void coversEveryReferenceCaseAndOnlyListedGapsFail() throws IOException {
        List<Case> cases = cases();
        assertThat(cases).hasSize(NUM_CASES);
        assertThat(cases.stream().map(Case::id).toList()).containsAll(KNOWN_GAPS);
        long numMatching = 0;
        for (Case c : cases) {
            String want = c.expected() != null ? c.expected() : c.expectedError();
            if (want.equals(renderOrError(template(c.template()), c))) {
                numMatching++;
            }
        }
        assertThat(numMatching).isEqualTo(NUM_CASES - KNOWN_GAPS.size());
    }
}
