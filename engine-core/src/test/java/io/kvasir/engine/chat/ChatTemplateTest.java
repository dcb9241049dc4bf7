package io.kvasir.engine.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatTemplateTest {
    private static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("Be brief."),
            ChatMessage.user("Hi"),
            ChatMessage.assistant("Hello"),
            ChatMessage.user("Bye"));

    private static String render(String template) {
        return ChatTemplate.compile(template).render(CONVERSATION, true, "<s>", "</s>");
    }

    @Test
    void fallbackRendersChatMlWithGenerationPrompt() {
        String prompt = ChatTemplate.fallback().render(List.of(ChatMessage.user("Hi")), true, "<s>", "</s>");

        assertThat(prompt).isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void fallbackOmitsGenerationPromptWhenNotAskedAndKeepsEveryTurn() {
        String prompt = ChatTemplate.fallback().render(
                List.of(ChatMessage.system("S"), ChatMessage.user("U"), ChatMessage.assistant("A")), false, "", "");

        assertThat(prompt).isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n"
                + "<|im_start|>assistant\nA<|im_end|>\n");
    }

    @Test
    void bindsTokensAndGenerationFlag() {
        assertThat(render("{{ bos_token }}|{{ eos_token }}|{{ add_generation_prompt }}|{{ messages | length }}"))
                .isEqualTo("<s>|</s>|True|4");
    }

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                Arguments.of("{% if x %}never closed", "Missing end tag: endif"),
                Arguments.of("{% frobnicate %}", "Unknown tag: frobnicate"),
                Arguments.of("line one\n{{ 1 + }}", "line 2"),
                Arguments.of("{% for m in %}{% endfor %}", "missing expression"),
                Arguments.of("{% set x = (1 %}", "syntax error"),
                Arguments.of("{{ 'a' | frobnicate }}", "No filter named 'frobnicate'."),
                Arguments.of("{% if x is frobnicated %}{% endif %}", "No test named 'frobnicated'."),
                Arguments.of("{% filter frobnicate %}x{% endfilter %}", "No filter named 'frobnicate'."));
    }

    @ParameterizedTest
    @MethodSource("brokenTemplates")
    void compileFailsEarlyNamingTheProblem(String template, String problem) {
        assertThatThrownBy(() -> ChatTemplate.compile(template))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void raisedErrorSurfacesWithExactlyItsMessageAndStopsAtTheFirst() {
        ChatTemplate template = ChatTemplate.compile("{% for m in messages %}{% if m.role == 'assistant' %}"
                + "{{ raise_exception('Turn ' ~ loop.index ~ ' is not allowed') }}{% endif %}{% endfor %}"
                + "{{ raise_exception('second') }}");

        assertThatThrownBy(() -> template.render(CONVERSATION, true, "", ""))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("Turn 3 is not allowed");
    }

    @Test
    void failedRenderLeavesTheTemplateUsable() {
        ChatTemplate template = ChatTemplate.compile(
                "{% if messages[0].role == 'system' %}{{ raise_exception('no system') }}{% endif %}ok");

        assertThatThrownBy(() -> template.render(CONVERSATION, true, "", "")).hasMessage("no system");
        assertThat(template.render(List.of(ChatMessage.user("u")), true, "", "")).isEqualTo("ok");
    }

    @Test
    void addingAnUndefinedVariableRaisesJinjaError() {
        assertThatThrownBy(() -> render("{{ 'tools: ' + tools }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("'tools' is undefined");
    }

    @Test
    void addingMismatchedTypesRaisesPythonTypeError() {
        assertThatThrownBy(() -> render("{{ 'n=' + 1 }}"))
                .hasMessage("can only concatenate str (not \"int\") to str");
    }

    @Test
    void undefinedVariablesAreFalsyEmptyAndIterableAsInJinja() {
        assertThat(render("[{{ tools }}]{% if tools %}T{% endif %}{% for t in tools %}x{% endfor %}"
                + "{% if tools is not defined %}U{% endif %}")).isEqualTo("[]U");
    }

    @Test
    void lookingIntoAnUndefinedVariableRaisesJinjaError() {
        assertThatThrownBy(() -> render("{{ tools[0].name }}")).hasMessage("'tools' is undefined");
        assertThat(render("{{ messages[0].name is defined }}")).isEqualTo("False");
    }

    @Test
    void notBindsLooserThanTestsAndComparisons() {
        assertThat(render("{% if not add_generation_prompt is defined %}A{% else %}B{% endif %}"
                + "{{ not 1 == 2 }}{{ not 'x' in ['x'] }}")).isEqualTo("BTrueFalse");
    }

    @Test
    void messageContentIsNeverRenderedAsATemplate() {
        ChatTemplate template = ChatTemplate.compile("{% for m in messages %}{{ m.content }}|{% endfor %}");
        List<ChatMessage> hostile = List.of(ChatMessage.user("{{ 7 * 6 }}{% if true %}x{% endif %}"),
                ChatMessage.user("{{ raise_exception('pwned') }}"));

        assertThat(template.render(hostile, false, "", ""))
                .isEqualTo("{{ 7 * 6 }}{% if true %}x{% endif %}|{{ raise_exception('pwned') }}|");
    }

    static Stream<Arguments> pythonExpressions() {
        return Stream.of(
                Arguments.of("'  a b \\n'.strip()", "a b"),
                Arguments.of("'xxaxx'.strip('x')", "a"),
                Arguments.of("'  a '.lstrip() ~ '|' ~ ' a  '.rstrip()", "a | a"),
                Arguments.of("'a|b||'.split('|')", "['a', 'b', '', '']"),
                Arguments.of("' a  b\\tc '.split()", "['a', 'b', 'c']"),
                Arguments.of("'a,b,c'.split(',', 1)", "['a', 'b,c']"),
                Arguments.of("'a,b,c'.rsplit(',', 1)", "['a,b', 'c']"),
                Arguments.of("'x</think>answer'.split('</think>')[-1]", "answer"),
                Arguments.of("'<tool>x'.startswith('<tool>')", "True"),
                Arguments.of("'file.py'.endswith(('.js', '.py'))", "True"),
                Arguments.of("'MiXed'.upper() ~ 'MiXed'.lower()", "MIXEDmixed"),
                Arguments.of("'a-b-c'.replace('-', '+')", "a+b+c"),
                Arguments.of("'a-b-c'.replace('-', '+', 1)", "a+b-c"),
                Arguments.of("'hello wORLD they\\'re'.title()", "Hello World They'Re"),
                Arguments.of("'hello World'.capitalize()", "Hello world"),
                Arguments.of("', '.join(['a', 'b'])", "a, b"),
                Arguments.of("'banana'.count('an') ~ 'banana'.find('n')", "22"),
                Arguments.of("'abcdef'[1:3] ~ 'abcdef'[::-1] ~ 'abc'[-1]", "bcfedcbac"),
                Arguments.of("[1, 2, 3, 4, 5][::2] ~ [1, 2, 3][-2:]", "[1, 3, 5][2, 3]"),
                Arguments.of("messages[1:] | length", "3"),
                Arguments.of("messages[::-1] | map(attribute='role') | join(',')", "user,assistant,user,system"),
                Arguments.of("messages[-1]['content'] ~ messages[0].role", "Byesystem"),
                Arguments.of("messages[0].get('name', 'anon')", "anon"),
                Arguments.of("'role' in messages[0] and 'name' not in messages[0]", "True"),
                Arguments.of("'ell' in 'hello'", "True"),
                Arguments.of("'ab' * 3 ~ [0] * 2", "ababab[0, 0]"),
                Arguments.of("[true, none, 1.5, 'it\\'s']", "[True, None, 1.5, \"it's\"]"),
                Arguments.of("{'k': 'v'} | items | list", "[('k', 'v')]"),
                Arguments.of("7 // 2 ~ ' ' ~ 7 % 3 ~ ' ' ~ 2 ** 3", "3 1 8"),
                Arguments.of("strftime_now is defined", "False"),
                Arguments.of("messages | selectattr('role', 'equalto', 'user') | list | length", "2"),
                Arguments.of("(1+2) ~ ' ' ~ (messages|length-1) ~ 'a' ~ 1 + 1 ~ 'b'", "3 3a11b"),
                Arguments.of("-7 % 3 ~ ' ' ~ '%s=%d' % ('n', 3)", "2 n=3"),
                Arguments.of("messages and 'yes'", "yes"),
                Arguments.of("[1, true] | join(',') ~ true | string", "1,TrueTrue"),
                Arguments.of("'text' is sequence", "True"),
                Arguments.of("messages | length is even", "True"),
                Arguments.of("namespace(last=messages|length - 1).last", "3"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pythonExpressions")
    void evaluatesExpressionsAsPythonDoes(String expression, String expected) {
        assertThat(render("{{ " + expression + " }}")).isEqualTo(expected);
    }

    @Test
    void tojsonKeepsNonAsciiAndUsesPythonSeparators() {
        assertThat(render("{{ {'name': 'Grüße 🦙', 'n': [1, 2.5, true, none], 'q': 'a\"b\\\\c\\n'} | tojson }}"))
                .isEqualTo("{\"name\": \"Grüße 🦙\", \"n\": [1, 2.5, true, null], \"q\": \"a\\\"b\\\\c\\n\"}");
    }

    @Test
    void tojsonIndentsLikePython() {
        assertThat(render("{{ {'a': [1], 'b': {}, 'c': []} | tojson(indent=2) }}"))
                .isEqualTo("{\n  \"a\": [\n    1\n  ],\n  \"b\": {},\n  \"c\": []\n}");
    }

    @Test
    void tojsonSortsKeysWhenAsked() {
        assertThat(render("{{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }}")).isEqualTo("{\"a\": 2, \"b\": 1}");
    }

    @Test
    void supportsNamespacesLoopControlsAndLoopFilters() {
        String template = """
                {%- set ns = namespace(users=0, last='') -%}
                {%- for m in messages -%}
                  {%- if m.role == 'system' %}{% continue %}{% endif -%}
                  {%- if m.content == 'Bye' %}{% break %}{% endif -%}
                  {%- set ns.last = m.content -%}
                {%- endfor -%}
                {%- for m in messages if m.role == 'user' -%}
                  {%- set ns.users = ns.users + 1 -%}
                  {{ loop.index }}/{{ loop.length }}:{{ m.content }};
                {%- endfor -%}
                [{{ ns.users }} {{ ns.last }}]
                {%- for k, v in {'a': 1}.items() %} {{ k }}={{ v }}{% endfor %}""";

        assertThat(render(template)).isEqualTo("1/2:Hi;2/2:Bye;[2 Hello] a=1");
    }

    static Stream<Arguments> whitespaceCases() {
        return Stream.of(
                Arguments.of("a, {% if true %}b{% endif %}", "a, b"),
                Arguments.of("x: {% for i in [1] %}{{ i }}{% endfor %}", "x: 1"),
                Arguments.of("a\n  {% if true %}b{% endif %}", "a\nb"),
                Arguments.of("a\n  {%+ if true %}b{% endif %}", "a\n  b"),
                Arguments.of("<{% for i in [1, 2] %} {{ i }} {% endfor %}>", "< 1  2 >"),
                Arguments.of("{% if true %}  x  {% endif %}", "  x  "),
                Arguments.of("a {# note #} b", "a  b"),
                Arguments.of("a  \n  {%- if true %}b{% endif %}", "ab"),
                Arguments.of("a {{- ' b ' -}} c", "a b c"),
                Arguments.of("line\r\n{{ 'x' }}\n", "line\nx"),
                Arguments.of("{% raw %}  {% if %}{{ x }}{% endraw %}", "  {% if %}{{ x }}"),
                Arguments.of("{% if true -%}\n{# note #}\n    x{% endif %}", "    x"),
                Arguments.of("{% macro f() -%}\n{# note #}\n    {\n{%- endmacro -%}[\n{{ f() }}]", "[\n    {]"),
                Arguments.of("a{# two\nlines #}b", "ab"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("whitespaceCases")
    void controlsWhitespaceAsJinjaDoes(String template, String expected) {
        assertThat(render(template)).isEqualTo(expected);
    }

    @Test
    void breakAndContinueStopTheRestOfTheIterationFromInsideNestedBlocks() {
        assertThat(render("{% for m in messages %}{% if m.role != 'assistant' %}"
                + "{% if m.role == 'system' %}{% continue %}{% endif %}[{{ m.content }}]"
                + "{% if m.content == 'Hi' %}{% if true %}{% break %}{% endif %}after-break{% endif %}"
                + "{% endif %}<{{ loop.index }}>{% endfor %}")).isEqualTo("[Hi]");
    }

    @Test
    void loopKnowsThePreviousAndNextItems() {
        assertThat(render("{% for m in messages %}{{ loop.previtem.role if loop.previtem is defined else '-' }}>"
                + "{{ m.role }}>{{ loop.nextitem.role if loop.nextitem is defined else '-' }};{% endfor %}"))
                .isEqualTo("->system>user;system>user>assistant;user>assistant>user;assistant>user>-;");
    }

    @Test
    void stringsAreIterableAndSequences() {
        assertThat(render("{{ 'text' is iterable }}{{ 'text' is sequence }}{{ 1 is iterable }}"))
                .isEqualTo("TrueTrueFalse");
    }

    @Test
    void trimsBlocksAndStripsTheirLeadingWhitespace() {
        String template = "{% for m in messages %}\n    {% if m.role == 'user' %}\n[{{ m.content }}]\n"
                + "    {% endif %}\n{% endfor %}";

        assertThat(render(template)).isEqualTo("[Hi]\n[Bye]\n");
    }

    @Test
    void filterSectionAppliesItsFilterToTheBody() {
        assertThat(render("{% set s %}{% filter trim | upper %}\n  padded text  \n{% endfilter %}{% endset %}[{{ s }}]"))
                .isEqualTo("[PADDED TEXT]");
    }

    @Test
    void filterSectionIsItsOwnScopeAndALoopExitDiscardsIt() {
        assertThat(render("{% for m in messages %}{% filter upper %}{% set inner = 1 %}{{ m.role }}"
                + "{% if loop.index == 2 %}{% break %}{% endif %}{% endfilter %}{{ inner is defined }};{% endfor %}"))
                .isEqualTo("SYSTEMFalse;");
    }

    @Test
    void macrosMayCallThemselvesWithinTheDepthLimit() {
        assertThat(render("{% macro count(n) %}{{ n }}{% if n > 0 %}{{ count(n - 1) }}{% endif %}{% endmacro %}"
                + "{{ count(5) }}")).isEqualTo("543210");
    }

    @Test
    void unboundedRecursionFailsInsteadOfOverflowing() {
        assertThatThrownBy(() -> render("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("recursion");
    }

    @Test
    void exponentialRecursionStopsAtTheStepBudget() {
        assertThatThrownBy(() -> render("{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("steps");
    }

    @Test
    void nestedEmptyLoopsStopAtTheStepBudget() {
        assertThatThrownBy(() -> render(
                "{% for i in range(60000) %}{% for j in range(60000) %}{% endfor %}{% endfor %}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("steps");
    }

    @Test
    void hugeOutputFailsInsteadOfExhaustingMemory() {
        assertThatThrownBy(() -> render("{% for i in range(4000) %}{{ 'x' * 10000 }}{% endfor %}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("over limit");
    }

    @Test
    void hugeRepetitionFailsBeforeAllocating() {
        assertThatThrownBy(() -> render("{{ 'x' * 1000000000 }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void refusesToModifyCollectionsAsTheImmutableSandboxDoes() {
        assertThatThrownBy(() -> render("{% set _ = messages[0].update({'content': 'changed'}) %}"))
                .hasMessage("access to attribute 'update' of 'dict' object is unsafe.");
        assertThatThrownBy(() -> render("{% set xs = [] %}{% set _ = xs.append(1) %}"))
                .hasMessage("access to attribute 'append' of 'list' object is unsafe.");
        assertThatThrownBy(() -> render("{% set _ = messages.pop() %}"))
                .hasMessage("access to attribute 'pop' of 'list' object is unsafe.");
    }

    @Test
    void namespacesRemainAssignable() {
        assertThat(render("{% set ns = namespace(items=[]) %}{% for m in messages %}"
                + "{% set ns.items = ns.items + [m.role[0]] %}{% endfor %}{{ ns.items | join }}")).isEqualTo("suau");
    }

    @Test
    void variablesSetInALoopBodyDoNotCarryIntoTheNextIteration() {
        assertThat(render("{% for m in messages %}{% if m.role == 'system' %}{% set seen = 'yes' %}{% endif %}"
                + "{{ seen is defined }};{% endfor %}{{ seen is defined }}")).isEqualTo("True;False;False;False;False");
    }

    @Test
    void rendersConcurrentlyWithTheSameResultsAsSequentially() throws Exception {
        ChatTemplate template = ChatTemplate.compile("""
                {%- set ns = namespace(n=0) -%}
                {%- macro turn(m) -%}<{{ m.role }}>{{ m.content | trim }}</{{ m.role }}>{%- endmacro -%}
                {{ bos_token }}{% for m in messages %}{% set ns.n = ns.n + 1 %}{{ turn(m) }}{% endfor %}
                {%- if add_generation_prompt %}<assistant>{% endif %}#{{ ns.n }}{{ eos_token }}""");
        int numThreads = 8;
        int numRendersPerThread = 100;
        List<List<ChatMessage>> conversations = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int t = 0; t < numThreads; t++) {
            List<ChatMessage> conversation = new ArrayList<>();
            for (int i = 0; i <= t; i++) {
                conversation.add(ChatMessage.user(" thread " + t + " turn " + i + " "));
            }
            conversations.add(conversation);
            expected.add(template.render(conversation, t % 2 == 0, "<s>", "</s>"));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(numThreads)) {
            for (int t = 0; t < numThreads; t++) {
                int thread = t;
                Callable<List<String>> renders = () -> {
                    start.await();
                    List<String> out = new ArrayList<>();
                    for (int i = 0; i < numRendersPerThread; i++) {
                        out.add(template.render(conversations.get(thread), thread % 2 == 0, "<s>", "</s>"));
                    }
                    return out;
                };
                results.add(pool.submit(renders));
            }
            start.countDown();
            for (int t = 0; t < numThreads; t++) {
                assertThat(results.get(t).get()).hasSize(numRendersPerThread).containsOnly(expected.get(t));
            }
        }
        assertThat(expected.get(1)).isEqualTo("<s><user>thread 1 turn 0</user><user>thread 1 turn 1</user>#2</s>");
    }

    @Test
    void rejectsNullArguments() {
        ChatTemplate template = ChatTemplate.fallback();

        assertThatThrownBy(() -> template.render(null, true, "", "")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ChatTemplate.compile(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ChatMessage("user", null)).isInstanceOf(NullPointerException.class);
    }
}
