package io.kvasir.engine.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

class ChatTemplateTest {

    private static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("Be brief."), ChatMessage.user("Hi"), ChatMessage.assistant("Hello!"), ChatMessage.user("Bye"));

    private static String render(String source, List<ChatMessage> messages) {
        return ChatTemplate.compile(source).render(messages, true, "<s>", "</s>");
    }

    @Test
    void fallbackRendersChatMl() {
        assertThat(ChatTemplate.fallback().render(CONVERSATION, true, null, null)).isEqualTo("""
                <|im_start|>system
                Be brief.<|im_end|>
                <|im_start|>user
                Hi<|im_end|>
                <|im_start|>assistant
                Hello!<|im_end|>
                <|im_start|>user
                Bye<|im_end|>
                <|im_start|>assistant
                """);
        assertThat(ChatTemplate.fallback().render(List.of(ChatMessage.user("Hi")), false, null, null))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n");
    }

    @Test
    void raiseExceptionSurfacesTheTemplatesMessageExactly() {
        ChatTemplate template = ChatTemplate.compile(
                "{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}ok");
        assertThatThrownBy(() -> template.render(CONVERSATION, true, null, null))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("System role not supported");
        assertThat(template.render(List.of(ChatMessage.user("x")), true, null, null)).isEqualTo("ok");
    }

    @Test
    void raiseInsideLoopStopsTheRenderAtTheFirstRaise() {
        ChatTemplate template = ChatTemplate.compile(
                "{% for m in messages %}{{ raise_exception('bad role ' + m.role) }}{% endfor %}");
        assertThatThrownBy(() -> template.render(CONVERSATION, true, null, null)).hasMessage("bad role system");
    }

    @Test
    void undefinedVariableInConcatenationFailsAsJinjaDoes() {
        assertThatThrownBy(() -> render("{{ 'Functions: ' + functions }}", CONVERSATION))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("'functions' is undefined");
    }

    @Test
    void templatesThatDoNotParseFailAtCompileNamingTheProblem() {
        assertThatThrownBy(() -> ChatTemplate.compile("{% if x %}unclosed"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("endif");
        assertThatThrownBy(() -> ChatTemplate.compile("{{ 1 + }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("1 +");
        assertThatThrownBy(() -> ChatTemplate.compile("{{ x"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("unclosed expression");
        assertThatThrownBy(() -> ChatTemplate.compile("{{ x|no_such_filter }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessage("No filter named 'no_such_filter'.");
        assertThatThrownBy(() -> ChatTemplate.compile("{% if x is no_such_test %}{% endif %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessage("No test named 'no_such_test'.");
        assertThatThrownBy(() -> ChatTemplate.compile("{% frobnicate %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("frobnicate");
        assertThatThrownBy(() -> ChatTemplate.compile("text{% endif %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("endif");
        assertThatThrownBy(() -> ChatTemplate.compile("{% break %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessage("'break' outside loop");
    }

    @Test
    void nullContentIsNoneAndAbsentToolFieldsAreUndefined() {
        String source = "{% for m in messages %}[{{ m.content is none }} {{ m.tool_calls is defined }} "
                + "{{ m.tool_call_id is defined }}]{% endfor %}";
        List<ChatMessage> messages = List.of(ChatMessage.assistant(null), ChatMessage.user("x"));
        assertThat(render(source, messages)).isEqualTo("[True False False][False False False]");
    }

    @Test
    void toolCallsAndResultsAppearInOpenAiShape() {
        String source = "{% for m in messages %}{% if m.tool_calls %}{% for c in m.tool_calls %}"
                + "{{ c.id }} {{ c.type }} {{ c.function.name }}({{ c.function.arguments }}){% endfor %}"
                + "{% elif m.role == 'tool' %} <- {{ m.tool_call_id }}: {{ m.content }}{% endif %}{% endfor %}";
        List<ChatMessage> messages = List.of(
                ChatMessage.toolCalls(List.of(new ChatMessage.ToolCall("call_1", "weather", "{\"city\": \"Oslo\"}"))),
                ChatMessage.toolResult("call_1", "rain"));
        assertThat(render(source, messages)).isEqualTo("call_1 function weather({\"city\": \"Oslo\"}) <- call_1: rain");
    }

    @Test
    void extraVariablesReachTheTemplateAsPythonValues() {
        Map<String, Object> tool = new HashMap<>();
        tool.put("name", "weather");
        tool.put("strict", null);
        tool.put("params", List.of("city", 3, 2.5f, true));
        String out = ChatTemplate.compile("{{ tools|tojson }}|{{ tools[0].strict is none }}|{{ date_string }}")
                .render(CONVERSATION, false, null, null, Map.of("tools", List.of(tool), "date_string", "1 Jan 2025"));
        assertThat(out).startsWith("[{").contains("\"name\": \"weather\"").contains("\"strict\": null")
                .contains("\"params\": [\"city\", 3, 2.5, true]").endsWith("|True|1 Jan 2025");
    }

    @Test
    void extraVariablesCannotShadowStandardOnesOrCarryOtherTypes() {
        ChatTemplate template = ChatTemplate.compile("x");
        assertThatThrownBy(() -> template.render(CONVERSATION, true, null, null, Map.of("messages", List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messages");
        assertThatThrownBy(() -> template.render(CONVERSATION, true, null, null, Map.of("tools", new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tools");
    }

    @Test
    void missingSpecialTokensAreUndefined() {
        assertThat(ChatTemplate.compile("[{{ bos_token }}|{{ eos_token is defined }}]").render(CONVERSATION, true, null, null))
                .isEqualTo("[|False]");
    }

    @Test
    void messageTextIsNeverInterpretedAsTemplate() {
        String hostile = "{{ raise_exception('boom') }}{% for x in range(99) %}x{% endfor %}{# #}";
        assertThat(render("{{ messages[0].content }}", List.of(ChatMessage.user(hostile)))).isEqualTo(hostile);
    }

    @Test
    void strftimeNowIsUndefinedSoTemplatesKeepTheirFixedDate() {
        String source = "{% if strftime_now is defined %}{{ strftime_now('%d %b %Y') }}{% else %}26 Jul 2024{% endif %}";
        assertThat(render(source, CONVERSATION)).isEqualTo("26 Jul 2024");
    }

    @Test
    void stringsAndOutputStopAtTheSizeLimits() {
        assertThatThrownBy(() -> render("{{ 'x' * 100000000 }}", CONVERSATION))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("exceeds the limit");
        assertThatThrownBy(() -> render("{% for a in range(100000) %}{{ messages[0].content * 1000 }}{% endfor %}",
                List.of(ChatMessage.user("y".repeat(200)))))
                .isInstanceOf(ChatTemplateException.class);
    }

    @Test
    void unboundedRecursionAndHugeRangesFail() {
        assertThatThrownBy(() -> render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", CONVERSATION))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("recursion");
        assertThatThrownBy(() -> render("{% for i in range(1000000000) %}{% endfor %}", CONVERSATION))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("Range too big");
        assertThatThrownBy(() -> render("{% set ns = namespace(l=[1]) %}{% for i in range(40) %}"
                + "{% set ns.l = ns.l + ns.l %}{% endfor %}", CONVERSATION))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("exceeds the limit");
    }

    @Test
    void concurrentRendersOfOneTemplateGiveTheSequentialResults() throws Exception {
        ChatTemplate template = ChatTemplate.compile("""
                {%- set ns = namespace(n=0) -%}
                {%- for m in messages -%}
                {%- set ns.n = ns.n + 1 -%}
                {{ ns.n }}:{{ m.role }}={{ m.content|trim|upper }}{{ ',' if not loop.last }}
                {%- endfor -%}
                {%- if add_generation_prompt %}|gen{% endif -%}
                """);
        int numConversations = 32;
        List<List<ChatMessage>> conversations = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < numConversations; i++) {
            List<ChatMessage> messages = new ArrayList<>();
            for (int j = 0; j <= i % 7; j++) {
                messages.add(j % 2 == 0 ? ChatMessage.user(" q" + i + "-" + j + " ") : ChatMessage.assistant("a" + j));
            }
            conversations.add(messages);
            expected.add(template.render(messages, i % 2 == 0, null, null));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> results = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < numConversations; i++) {
                    int index = i;
                    results.add(pool.submit(() -> template.render(conversations.get(index), index % 2 == 0, null, null)));
                }
            }
            for (int k = 0; k < results.size(); k++) {
                assertThat(results.get(k).get()).isEqualTo(expected.get(k % numConversations));
            }
        }
    }
}
