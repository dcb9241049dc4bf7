package io.kvasir.engine.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvasir.engine.chat.ChatTemplateException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jinja2 semantics, case by case: each template was rendered by Python's Jinja2 3.1 configured as Hugging
 * Face transformers configures it (sandboxed, {@code trim_blocks}, {@code lstrip_blocks}, loop controls,
 * {@code raise_exception}, transformers' {@code tojson}) with the variables below, and the expected text or
 * error message is what Python produced.
 */
class JinjaCompatibilityTest {

    private static final Map<String, Object> VARIABLES = variables();

    private static Map<String, Object> variables() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("s", "  Hello World  ");
        v.put("n", PyNone.INSTANCE);
        v.put("t", true);
        v.put("f", false);
        v.put("i", 3L);
        v.put("x", 2.5);
        v.put("l", list(1L, 2L, 3L));
        v.put("e", list());
        v.put("d", map("role", "user", "content", "hi", "n", PyNone.INSTANCE));
        v.put("sl", list("a", "b", "c"));
        v.put("fs", "false");
        v.put("z", 0L);
        v.put("es", "");
        v.put("msgs", list(map("role", "user", "content", "a"), map("role", "assistant", "content", "b"),
                map("role", "user", "content", "c")));
        v.put("u8", "Grüße 🦙 — \"q\" \\ \n\t\001 end");
        v.put("nested", map("a", list(1L, map("b", PyNone.INSTANCE, "c", true)), "d", 1.5));
        return v;
    }

    private static List<Object> list(Object... items) {
        return new ArrayList<>(Arrays.asList(items));
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static Arguments ok(String template, String expected) {
        return Arguments.of(template, expected, null);
    }

    private static Arguments fails(String template, String error) {
        return Arguments.of(template, null, error);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                ok("{{ n }}|{{ t }}|{{ f }}|{{ i }}|{{ x }}|{{ l }}|{{ d }}|{{ sl }}|{{ undefined_thing }}|{{ nested }}",
                        "None|True|False|3|2.5|[1, 2, 3]|{'role': 'user', 'content': 'hi', 'n': None}|['a', 'b', 'c']||{'a': [1, {'b': None, 'c': True}], 'd': 1.5}"),
                ok("{{ 1.0 }} {{ 1e20 }} {{ 1e-5 }} {{ 0.1 + 0.2 }} {{ 10 / 4 }} {{ 10 / 5 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 3 * 1.5 }}",
                        "1.0 1e+20 1e-05 0.30000000000000004 2.5 2.0 3 -4 2 1024 4.5"),
                ok("{{ \"ab\" * 3 }}|{{ 3 * \"ab\" }}|{{ [1] * 3 }}|{{ \"x\" * 0 }}",
                        "ababab|ababab|[1, 1, 1]|"),
                ok("{{ \"a\" ~ 1 ~ t ~ n ~ undefined_thing }}",
                        "a1TrueNone"),
                ok("{{ l + [4] }}|{{ \"a\" + \"b\" }}|{{ i + x }}|{{ t + 1 }}",
                        "[1, 2, 3, 4]|ab|5.5|2"),
                ok("{% if fs %}T{% else %}F{% endif %}{% if es %}T{% else %}F{% endif %}{% if z %}T{% else %}F{% endif %}{% if x %}T{% endif %}{% if 0.5 %}H{% endif %}{% if n %}N{% endif %}{% if e %}E{% endif %}{% if d %}D{% endif %}",
                        "TFFTHD"),
                ok("{{ n or \"dflt\" }}|{{ \"v\" or \"dflt\" }}|{{ i and \"yes\" }}|{{ z and \"yes\" }}|{{ not n }}|{{ not t }}",
                        "dflt|v|yes|0|True|False"),
                ok("{{ not t is defined }}|{{ not undefined_thing is defined }}|{{ not i == 3 }}|{{ not \"a\" in sl }}|{{ \"a\" not in sl }}|{{ not l|length == 3 }}",
                        "False|True|False|False|False|False"),
                ok("{{ n is none }}|{{ undefined_thing is none }}|{{ n is defined }}|{{ undefined_thing is defined }}|{{ n is not none }}|{{ undefined_thing is not none }}",
                        "True|False|True|False|False|True"),
                ok("{{ s is string }}|{{ s is iterable }}|{{ d is mapping }}|{{ l is iterable }}|{{ i is number }}|{{ t is number }}|{{ i is integer }}|{{ x is float }}|{{ t is boolean }}|{{ n is iterable }}|{{ l is sequence }}|{{ s is sequence }}",
                        "True|True|True|True|True|True|True|True|True|False|True|True"),
                ok("{{ 1 == 1.0 }}|{{ \"1\" == 1 }}|{{ d == {\"role\": \"user\", \"content\": \"hi\", \"n\": none} }}|{{ l == [1,2,3] }}|{{ t == 1 }}|{{ n == none }}|{{ undefined_thing == none }}",
                        "True|False|True|True|True|True|False"),
                ok("{{ i is eq 3 }}|{{ i is equalto 3 }}|{{ \"x\" is ne \"y\" }}|{{ i is odd }}|{{ i is divisibleby 3 }}",
                        "True|True|True|True|True"),
                ok("{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ \"xxaxx\".strip(\"x\") }}|{{ s.upper() }}|{{ s.lower() }}|{{ \"hello world\".title() }}|{{ \"they're bill's\".title() }}|{{ \"hELLO\".capitalize() }}|{{ \"aBc\".swapcase() }}",
                        "Hello World|Hello World  |  Hello World|a|  HELLO WORLD  |  hello world  |Hello World|They'Re Bill'S|Hello|AbC"),
                ok("{{ \"a,b,,c,\".split(\",\") }}|{{ \"  a b  c \".split() }}|{{ \"a b c\".split(\" \", 1) }}|{{ \"a.b\".split(\".\") }}|{{ \"x</think>y</think>z\".split(\"</think>\")[-1] }}|{{ \"a b c\".rsplit(\" \", 1) }}",
                        "['a', 'b', '', 'c', '']|['a', 'b', 'c']|['a', 'b c']|['a', 'b']|z|['a b', 'c']"),
                ok("{{ s.startswith(\"  H\") }}|{{ s.endswith(\"  \") }}|{{ \"abc\".startswith((\"x\", \"a\")) }}|{{ \"abc\".replace(\"b\", \"B\") }}|{{ \"aaa\".replace(\"a\", \"b\", 2) }}|{{ \"abc\".find(\"c\") }}|{{ \"abc\".find(\"z\") }}|{{ \"abcabc\".count(\"b\") }}|{{ \"-\".join(sl) }}",
                        "True|True|True|aBc|bba|2|-1|2|a-b-c"),
                ok("{{ \"a\\nb\\r\\nc\".splitlines() }}|{{ \"42\".isdigit() }}|{{ \"ab\".isalpha() }}|{{ \"7\".zfill(3) }}|{{ \"ab\".center(6, \"*\") }}|{{ \"abc\".partition(\"b\") }}|{{ \"prefix_x\".removeprefix(\"prefix_\") }}",
                        "['a', 'b', 'c']|True|True|007|**ab**|('a', 'b', 'c')|x"),
                ok("{{ \"{} and {}\".format(\"a\", \"b\") }}|{{ \"{0}{name}\".format(\"x\", name=\"y\") }}",
                        "a and b|xy"),
                ok("{{ \"abc\"[1] }}|{{ \"abc\"[-1] }}|{{ \"abc\"[1:] }}|{{ \"abc\"[:-1] }}|{{ l[1:] }}|{{ l[:2] }}|{{ l[-2:] }}|{{ msgs[1:]|length }}",
                        "b|c|bc|ab|[2, 3]|[1, 2]|[2, 3]|2"),
                ok("{{ \"\\u00e9\" }}|{{ \"tab\\there\" }}|{{ 'single \"dq\"' }}",
                        "é|tab\there|single \"dq\""),
                ok("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|{{ d.keys()|list }}|{{ d.values()|list }}|{{ d.get(\"role\") }}|{{ d.get(\"nope\") }}|{{ d.get(\"nope\", 5) }}|{{ l.index(2) }}|{{ l.count(2) }}",
                        "role=user;content=hi;n=None;|['role', 'content', 'n']|['user', 'hi', None]|user|None|5|1|1"),
                ok("{% for k, v in d|items %}{{ k }}={{ v }};{% endfor %}",
                        "role=user;content=hi;n=None;"),
                ok("{% for k in d %}{{ k }},{% endfor %}|{% for c in \"abc\" %}{{ c }}.{% endfor %}",
                        "role,content,n,|a.b.c."),
                ok("{{ \"role\" in d }}|{{ \"x\" in d }}|{{ \"ll\" in s }}|{{ 2 in l }}|{{ \"q\" in sl }}",
                        "True|False|True|True|False"),
                ok("{{ nested|tojson }}|{{ nested|tojson(indent=2) }}|{{ u8|tojson }}|{{ sl|tojson(separators=(\",\", \":\")) }}|{{ {\"b\": 1, \"a\": 2}|tojson(sort_keys=true) }}|{{ x|tojson }}|{{ n|tojson }}|{{ \"é\"|tojson(ensure_ascii=true) }}",
                        "{\"a\": [1, {\"b\": null, \"c\": true}], \"d\": 1.5}|{\n  \"a\": [\n    1,\n    {\n      \"b\": null,\n      \"c\": true\n    }\n  ],\n  \"d\": 1.5\n}|\"Grüße 🦙 — \\\"q\\\" \\\\ \\n\\t\\u0001 end\"|[\"a\",\"b\",\"c\"]|{\"a\": 2, \"b\": 1}|2.5|null|\"\\u00e9\""),
                ok("{{ nested|tojson(indent=4) }}|{{ []|tojson(indent=2) }}|{{ {}|tojson(indent=2) }}|{{ [[]]|tojson(indent=2) }}",
                        "{\n    \"a\": [\n        1,\n        {\n            \"b\": null,\n            \"c\": true\n        }\n    ],\n    \"d\": 1.5\n}|[]|{}|[\n  []\n]"),
                ok("{{ s|trim }}|{{ \"xxaxx\"|trim(\"x\") }}|{{ s|length }}|{{ \"🦙ab\"|length }}|{{ l|length }}|{{ d|length }}|{{ l|count }}",
                        "Hello World|a|15|3|3|3|3"),
                ok("{{ \"a\\nb\\n\\nc\"|indent }}|{{ \"a\\nb\"|indent(2, true) }}|{{ \"a\\nb\"|indent(2, first=true) }}|{{ \"a\\n\\nb\"|indent(2, blank=true) }}|{{ \"x\"|indent(\"--\", first=true) }}",
                        "a\n    b\n\n    c|  a\n  b|  a\n  b|a\n  \n  b|--x"),
                ok("{{ l|join(\",\") }}|{{ [t, n, 1.5]|join }}|{{ msgs|join(\", \", attribute=\"role\") }}|{{ msgs|map(attribute=\"content\")|join }}|{{ msgs|selectattr(\"role\", \"equalto\", \"user\")|list|length }}|{{ msgs|rejectattr(\"role\", \"equalto\", \"user\")|map(attribute=\"content\")|list }}",
                        "1,2,3|TrueNone1.5|user, assistant, user|abc|2|['b']"),
                ok("{{ undefined_thing|default(\"dflt\") }}|{{ n|default(\"dflt\") }}|{{ n|default(\"dflt\", true) }}|{{ es|default(\"dflt\", true) }}|{{ es|d(\"dflt\") }}",
                        "dflt|None|dflt|dflt|"),
                ok("{{ s|upper }}|{{ s|lower }}|{{ \"hello world-foo(bar\"|title }}|{{ \"they're\"|title }}|{{ \"hELLO\"|capitalize }}|{{ \"aaa\"|replace(\"a\", \"b\") }}|{{ \"aaa\"|replace(\"a\", \"b\", 1) }}",
                        "  HELLO WORLD  |  hello world  |Hello World-Foo(Bar|They're|Hello|bbb|baa"),
                ok("{{ l|first }}|{{ l|last }}|{{ \"abc\"|first }}|{{ l|reverse|list }}|{{ \"abc\"|reverse }}|{{ \"abc\"|list }}|{{ d|list }}|{{ l|sum }}|{{ [3,1,2]|sort }}|{{ [3,1,2]|max }}|{{ [\"b\",\"a\",\"b\"]|unique|list }}",
                        "1|3|a|[3, 2, 1]|cba|['a', 'b', 'c']|['role', 'content', 'n']|6|[1, 2, 3]|3|['b', 'a']"),
                ok("{{ i|string + \"x\" }}|{{ t|string }}|{{ n|string }}|{{ d|string }}|{{ l|string }}|{{ \"3\"|int + 1 }}|{{ \"2.5\"|float }}|{{ -3|abs }}|{{ 2.567|round(1) }}",
                        "3x|True|None|{'role': 'user', 'content': 'hi', 'n': None}|[1, 2, 3]|4|2.5|3|2.6"),
                ok("{{ [\"a\",\"b\"]|map(\"upper\")|list }}|{{ l|select(\"odd\")|list }}|{{ l|reject(\"odd\")|list }}|{{ sl|batch(2)|list }}",
                        "['A', 'B']|[1, 3]|[2]|[['a', 'b'], ['c']]"),
                ok("{% for m in msgs %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }};{% endfor %}",
                        "10TrueFalse33;21FalseFalse32;32FalseTrue31;"),
                ok("{% for m in msgs if m.role == \"user\" %}{{ loop.index }}:{{ m.content }}{{ \",\" if not loop.last }}{% endfor %}",
                        "1:a,2:c"),
                ok("{% for m in msgs %}{% if loop.index == 2 %}{% continue %}{% endif %}{% if loop.index == 3 %}{% break %}{% endif %}{{ m.content }}{% endfor %}|{% for x in l %}{% if x == 2 %}{% break %}{% endif %}{{ x }}{% endfor %}",
                        "a|1"),
                ok("{% for x in e %}x{% else %}empty{% endfor %}",
                        "empty"),
                ok("{% for a, b in [[1, 2], [3, 4]] %}{{ a }}{{ b }};{% endfor %}",
                        "12;34;"),
                ok("{% for x in range(3) %}{{ x }}{% endfor %}|{% for x in range(1, 7, 2) %}{{ x }}{% endfor %}",
                        "012|135"),
                ok("{% set ns = namespace(count=0, found=false) %}{% for m in msgs %}{% if m.role == \"user\" %}{% set ns.count = ns.count + 1 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.count }}{{ ns.found }}",
                        "2True"),
                ok("{% set x = 1 %}{% for i in l %}{% set x = i %}{% endfor %}{{ x }}",
                        "1"),
                ok("{% set y %}block {{ i }}{% endset %}[{{ y }}]",
                        "[block 3]"),
                ok("{% set a, b = 1, 2 %}{{ a }}{{ b }}",
                        "12"),
                ok("{% macro f(a, b=\"B\") %}[{{ a }}{{ b }}]{% endmacro %}{{ f(1) }}{{ f(1, 2) }}{{ f(a=3, b=4) }}",
                        "[1B][12][34]"),
                ok("{% macro r(n) %}{% if n > 0 %}{{ n }}{{ r(n - 1) }}{% endif %}{% endmacro %}{{ r(4) }}",
                        "4321"),
                ok("{% macro m(x) -%}\n  value: {{ x }}\n{%- endmacro %}{{ m(1) + \"!\" }}",
                        "value: 1!"),
                ok("{% filter upper %}abc {{ s }}{% endfilter %}|{%- filter trim -%}  padded  {%- endfilter -%}|",
                        "ABC   HELLO WORLD  |padded|"),
                ok("{% generation %}gen{{ i }}{% endgeneration %}",
                        "gen3"),
                ok("a\n{% if t %}\nb\n{% endif %}\nc\n",
                        "a\nb\nc"),
                ok("a\n    {% if t %}\n    b\n    {% endif %}\nc",
                        "a\n    b\nc"),
                ok("a  {%- if t %}  b  {% endif -%}  c",
                        "a  b  c"),
                ok("a\n  {{ i }}\n  {%+ if t %}x{% endif %}\n",
                        "a\n  3\n  x"),
                ok("{# comment #}\nx\n  {# indented comment #}\ny",
                        "x\ny"),
                ok("{%- for m in msgs %}\n  {{- m.role }}: {{ m.content }}\n{% endfor %}",
                        "user: a\nassistant: b\nuser: c\n"),
                ok("<{{- \" a \" -}}>  <{{ \" b \" }}>\n{{ \"c\" }}\n",
                        "< a >  < b >\nc"),
                ok("line1\n{% set q = 1 %}\nline2 {% set r = 2 %}\n   {% set w = 3 %}   trailing\nend",
                        "line1\nline2    trailing\nend"),
                ok("{% raw %}{{ not rendered }}{% endraw %}",
                        "{{ not rendered }}"),
                ok("  {%- if t -%}  \n  x  \n  {%- endif -%}  ",
                        "x"),
                ok("{% if t %}a{% elif f %}b{% else %}c{% endif %}|{% if f %}a{% elif t %}b{% else %}c{% endif %}|{% if f %}a{% elif f %}b{% else %}c{% endif %}",
                        "a|b|c"),
                ok("{{ \"yes\" if t else \"no\" }}|{{ \"yes\" if f else \"no\" }}|{{ \"only\" if f }}|",
                        "yes|no||"),
                ok("{{ {\"a\": 1, \"b\": [1, 2]}[\"b\"][1] }}|{{ {\"k\": i}.k }}|{{ [1, [2, 3]][1][0] }}|{{ (1, 2)[0] }}",
                        "2|3|2|1"),
                ok("{% set d2 = {\"x\": s.strip(), i: \"int-key\"} %}{{ d2.x }}|{{ d2[3] }}",
                        "Hello World|int-key"),
                fails("{{ raise_exception(\"boom \" ~ i) }}",
                        "boom 3"),
                fails("{{ \"a\" + undefined_thing }}",
                        "'undefined_thing' is undefined"),
                fails("{{ undefined_thing + \"a\" }}",
                        "'undefined_thing' is undefined"),
                fails("{{ d.missing + \"a\" }}",
                        "'dict object' has no attribute 'missing'"),
                fails("{{ d[\"missing\"] + \"a\" }}",
                        "'dict object' has no attribute 'missing'"),
                fails("{{ l[10] + 1 }}",
                        "list object has no element 10"),
                fails("{{ undefined_thing.attr }}",
                        "'undefined_thing' is undefined"),
                fails("{{ \"a\" + 1 }}",
                        "can only concatenate str (not \"int\") to str"),
                fails("{{ 1 + \"a\" }}",
                        "unsupported operand type(s) for +: 'int' and 'str'"),
                fails("{{ n + \"a\" }}",
                        "unsupported operand type(s) for +: 'NoneType' and 'str'"),
                fails("{{ \"a\" + n }}",
                        "can only concatenate str (not \"NoneType\") to str"),
                fails("{{ l.append(4) }}",
                        "access to attribute 'append' of 'list' object is unsafe."),
                fails("{{ d.update({}) }}",
                        "access to attribute 'update' of 'dict' object is unsafe."),
                fails("{{ \"abc\".nomethod() }}",
                        "'str object' has no attribute 'nomethod'"),
                fails("{{ undefined_thing|tojson }}",
                        "Object of type Undefined is not JSON serializable"),
                fails("{{ 1 / 0 }}",
                        "division by zero"),
                fails("{{ n|length }}",
                        "object of type 'NoneType' has no len()"),
                fails("{% for x in n %}{% endfor %}",
                        "'NoneType' object is not iterable"),
                fails("{{ d.missing.deeper }}",
                        "'dict object' has no attribute 'missing'"),
                fails("{{ undefined_thing.x is defined }}",
                        "'undefined_thing' is undefined"),
                fails("{{ undefined_fn() }}",
                        "'undefined_fn' is undefined"),
                ok("{% if strftime_now is defined %}{{ strftime_now(\"%d\") }}{% else %}fixed{% endif %}",
                        "fixed"),
                ok("{{ u8 }}",
                        "Grüße 🦙 — \"q\" \\ \n\t\001 end"),
                ok("{{ \"{{ not a template }}\" }}|{{ s ~ \"{% if %}\" }}",
                        "{{ not a template }}|  Hello World  {% if %}"),
                ok("{% set g = msgs|selectattr(\"role\", \"equalto\", \"user\") %}{% for m in g %}{{ m.content }}{% endfor %}|{% for m in g %}{{ m.content }}{% endfor %}",
                        "ac|"),
                ok("{{ msgs|map(attribute=\"role\")|join(\",\") }}|{{ msgs|map(attribute=\"role\")|list|tojson }}|{{ msgs|selectattr(\"role\", \"equalto\", \"user\")|list|length }}",
                        "user,assistant,user|[\"user\", \"assistant\", \"user\"]|2"),
                fails("{{ msgs|map(attribute=\"role\")|tojson }}",
                        "Object of type generator is not JSON serializable"),
                fails("{{ msgs|selectattr(\"role\", \"equalto\", \"x\")|length }}",
                        "object of type 'generator' has no len()"),
                ok("{% if msgs|selectattr(\"role\", \"equalto\", \"x\") %}truthy{% endif %}",
                        "truthy"),
                ok("{{ \"<b>\"|safe + \"<i>\" }}|{{ \"<i>\" + \"<b>\"|safe }}|{{ \"a\" ~ \"<b>\"|safe }}|{{ (\"x\"|safe + d|tojson) }}",
                        "<b>&lt;i&gt;|&lt;i&gt;<b>|a<b>|x{&#34;role&#34;: &#34;user&#34;, &#34;content&#34;: &#34;hi&#34;, &#34;n&#34;: null}"),
                ok("{{ d.items is defined }}|{{ d.update is defined }}|{{ d[\"items\"] is defined }}|{{ s.upper is defined }}|{{ l.append is defined }}",
                        "True|False|True|True|False"),
                ok("{% set spec = {\"type\": \"array\", \"items\": {\"type\": \"string\"}} %}{{ spec.items.type is defined }}|{{ spec[\"items\"].type }}",
                        "False|string"),
                ok("{% for m in msgs %}{{ loop.cycle(\"odd\", \"even\") }}{{ loop.previtem.role if loop.previtem is defined }}/{{ loop.nextitem is defined }};{% endfor %}",
                        "odd/True;evenuser/True;oddassistant/False;"),
                ok("{% for m in msgs %}{% if loop.changed(m.role) %}C{% endif %}{% endfor %}",
                        "CCC"),
                ok("{% for m in msgs %}{% for c in m.content %}{{ loop.index }}{{ c }}{% endfor %}{{ loop.index }};{% endfor %}",
                        "1a1;1b2;1c3;"),
                ok("{% for m in msgs %}{% if m.role == \"assistant\" %}{% if true %}{% continue %}{% endif %}SKIPPED{% endif %}{{ m.content }}{% endfor %}",
                        "ac"),
                ok("{% for m in msgs %}{% if m.role == \"assistant\" %}{% if true %}{% break %}{% endif %}SKIPPED{% endif %}{{ m.content }}{% endfor %}after",
                        "aafter"),
                ok("{% macro outer() %}[{{ caller() }}]{% endmacro %}{% call outer() %}inside {{ i }}{% endcall %}",
                        "[inside 3]"),
                ok("{% macro m(a, b) %}{{ a }}-{{ b }}{% endmacro %}{{ m(\"x\") }}",
                        "x-"),
                ok("{{ \"}}\" }}|{{ \"%}\" }}|{{ {\"a\": {\"b\": 1}} }}|{% set q = {\"a\": {\"b\": \"}}\"}} %}{{ q.a.b }}",
                        "}}|%}|{'a': {'b': 1}}|}}"),
                ok("{#- trimmed comment -#}  x  {#+ kept +#}\ny",
                        "x  \ny"),
                ok(" {%- raw -%}  {{ raw }}  {%- endraw -%}  z",
                        "{{ raw }}z"),
                ok("{% raw %}\n  a\n  {% endraw %}\nb",
                        "\n  a\nb"),
                ok("  {% if t %}\n\tA\n  {% endif %}\n",
                        "\tA\n"),
                ok("x {% if t %}y{% endif %} z\n  {{ i }}  {% if t %}w{% endif %}",
                        "x y z\n  3  w"),
                ok("{% if t -%}\n\n  a\n{%- endif %}",
                        "a"),
                ok("{{ i > 2 }}|{{ x >= 2.5 }}|{{ \"a\" < \"b\" }}|{{ [1, 2] < [1, 3] }}|{{ i != 3 }}|{{ -i }}|{{ +i }}|{{ 2 ** 3 ** 2 }}|{{ 10 % 3 }}|{{ 7.5 // 2 }}",
                        "True|True|True|True|False|-3|3|64|1|3.0"),
                ok("{{ 9999999999999999999 + 1 }}|{{ 2 ** 64 }}|{{ 1e300 * 1e10 }}|{{ 0.1 * 3 }}|{{ 1 / 3 }}|{{ 100000000000000000.0 }}|{{ 123456789012345678.0 }}|{{ 1.5e-7 }}",
                        "10000000000000000000|18446744073709551616|inf|0.30000000000000004|0.3333333333333333|1e+17|1.2345678901234568e+17|1.5e-07"),
                ok("{{ n is none and undefined_thing is not defined }}|{{ (n or undefined_thing) is defined }}|{{ undefined_thing or \"fallback\" }}",
                        "True|False|fallback"),
                ok("{{ [] or \"empty\" }}|{{ {} and \"x\" }}|{{ 0 or 0.0 }}|{{ \"\" or none }}",
                        "empty|{}|0.0|None"),
                ok("{{ d.content|upper }}|{{ d.n|string }}|{{ d.n is none }}|{{ d.nothing is none }}|{{ d.nothing|default(\"x\") }}",
                        "HI|None|True|False|x"),
                ok("{{ \"Hello\"|length }}|{{ \"Hello\"[1:3] }}|{{ \"Hello\"[::-1] }}|{{ l[::2] }}",
                        "5|el|olleH|[1, 3]"),
                ok("{{ range(5)|list }}|{{ range(0)|list }}|{{ range(10, 0, -3)|list }}",
                        "[0, 1, 2, 3, 4]|[]|[10, 7, 4, 1]"),
                ok("{{ [\"a\", \"B\", \"c\"]|sort }}|{{ [\"a\", \"B\", \"c\"]|sort(case_sensitive=true) }}|{{ [\"b\", \"A\", \"a\"]|unique|list }}|{{ msgs|sort(attribute=\"role\")|map(attribute=\"content\")|join }}",
                        "['a', 'B', 'c']|['B', 'a', 'c']|['b', 'A']|bac"),
                ok("{{ [1, 2, 3]|sum(start=10) }}|{{ msgs|map(attribute=\"content\")|sort|reverse|list }}|{{ [0.1, 0.2]|sum }}",
                        "16|['c', 'b', 'a']|0.30000000000000004"),
                ok("{{ \"a b c\"|wordcount }}|{{ \"abc\"|center(9) }}|{{ \"hello world\"|truncate(8) }}",
                        "3|   abc   |hello world"),
                ok("{{ l|tojson(indent=\"\\t\") }}|{{ {\"k\": [1, {\"x\": none}]}|tojson(indent=0) }}",
                        "[\n\t1,\n\t2,\n\t3\n]|{\n\"k\": [\n1,\n{\n\"x\": null\n}\n]\n}"),
                ok("{% set parts = \"a=1;b=2\".split(\";\") %}{% for p in parts %}{% set kv = p.split(\"=\") %}{{ kv[0] }}:{{ kv[1]|int + 1 }} {% endfor %}",
                        "a:2 b:3 "),
                ok("{{ (1, 2) }}|{{ (1,) }}|{{ () }}|{{ \"abc\".partition(\"b\")[2] }}|{{ d.items()|list }}",
                        "(1, 2)|(1,)|()|c|[('role', 'user'), ('content', 'hi'), ('n', None)]"),
                ok("{% set x = namespace(v=[]) %}{% set x.v = x.v + [1] %}{% set x.v = x.v + [2] %}{{ x.v }}",
                        "[1, 2]"),
                ok("{{ {\"b\": 2, \"a\": 1}|dictsort }}|{{ {\"b\": 2, \"a\": 1}.keys()|list }}",
                        "[('a', 1), ('b', 2)]|['b', 'a']"),
                ok("{{ 3|string * 2 }}|{{ \"=\" * 10 }}|{{ (\"ab\" ~ \"c\")|upper }}",
                        "33|==========|ABC"),
                fails("{% if \"x\" in none %}{% endif %}",
                        "argument of type 'NoneType' is not iterable"),
                ok("{{ none.x }}|{{ none[\"x\"] }}",
                        "|"),
                ok("{{ \"a\" in undefined_thing }}",
                        "False"),
                fails("{{ undefined_thing[0] }}",
                        "'undefined_thing' is undefined"),
                ok("{{ msgs[-1].content }}|{{ msgs[5] is defined }}|{{ msgs[-10] is defined }}",
                        "c|False|False"),
                ok("{{ \"abc\" == \"abc\" and 1 < 2 or false }}|{{ not (t and f) }}|{{ t and not f }}",
                        "True|True|True"),
                ok("{{ 1 if t else 2 if f else 3 }}|{{ (1 if f else 2) + 1 }}",
                        "1|3"),
                ok("{%- set sys = msgs[0].content if msgs[0].role == \"system\" else \"\" -%}[{{ sys }}]",
                        "[]"),
                ok("{{ \"x\"|trim|length > 0 }}|{{ msgs|length - 1 }}|{{ msgs|length // 2 }}",
                        "True|2|1"),
                ok("{{ \"a-b_c d\".replace(\"-\", \" \").replace(\"_\", \" \").split()|join(\"|\") }}",
                        "a|b|c|d"),
                ok("{{ \"multi\\nline\\ntext\"|indent(4) }}",
                        "multi\n    line\n    text"),
                ok("{{ t|int }}|{{ \"12abc\"|int }}|{{ 3.9|int }}|{{ \"x\"|float }}|{{ 5|float }}",
                        "1|0|3|0.0|5.0"),
                ok("{{ l|map(\"string\")|join(\"-\") }}|{{ [1, none, 2]|select|list }}|{{ [1, none, 0]|reject|list }}|{{ msgs|map(attribute=\"missing\")|list }}",
                        "1-2-3|[1, 2]|[None, 0]|[Undefined, Undefined, Undefined]"),
                ok("{{ msgs|selectattr(\"content\")|list|length }}|{{ msgs|rejectattr(\"role\", \"in\", [\"user\"])|map(attribute=\"role\")|list }}",
                        "3|['assistant']"),
                ok("{{ -t }}|{{ -f }}|{{ -x }}|{{ --i }}|{{ -(1 + 2) }}|{{ (-i)|abs }}|{{ t|abs }}",
                        "-1|0|-2.5|3|-3|3|1"),
                fails("{{ -s }}",
                        "bad operand type for unary -: 'str'"),
                fails("{{ -undefined_thing }}",
                        "'undefined_thing' is undefined"),
                ok("{{ (not 0) is in [1, 2] }}|{{ \"a\" is in \"cat\" }}|{{ 2 is in l }}|{{ (not 7) is divisibleby 2 }}|{{ i is even }}",
                        "True|True|True|True|False"),
                ok("{{ 2.5|round }}|{{ 3.5|round }}|{{ 2.675|round(2) }}|{{ 7|round }}|{{ 2.1|round(0, \"ceil\") }}|{{ 2.9|round(0, \"floor\") }}|{{ t|round }}",
                        "2.0|4.0|2.67|7|3.0|2.0|1"),
                ok("{{ \"<a href='x'>&</a>\"|e }}|{{ t|e }}|{{ \"<b>\"|safe|e }}|{{ \"<b>\"|forceescape }}",
                        "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;|True|<b>|&lt;b&gt;"),
                ok("{{ -0.0 % 2.5 }}|{{ 1e3 % -1 }}|{{ 7.5 % 2 }}|{{ -7.5 % 2 }}|{{ 7 % -3 }}",
                        "0.0|-0.0|1.5|0.5|-2"),
                ok("{{ (1, 2) * 2 }}|{{ (1,2) + (3,4) }}",
                        "(1, 2, 1, 2)|(1, 2, 3, 4)"),
                fails("{% set d2 = {} %}{{ d2[\"50%\"] + 1 }}",
                        "'dict object' has no attribute '50%'"),
                fails("{{ [1, 2] % 3.0 }}",
                        "unsupported operand type(s) for %: 'list' and 'float'"),
                ok("{{ ([1, 2, 3] | map(\"string\") | list)[::-1] }}|{{ msgs[::-1]|map(attribute=\"content\")|join }}|{{ \"abcdef\"[1:5:2] }}|{{ l[5:] }}|{{ l[-10:2] }}",
                        "['3', '2', '1']|cba|bd|[]|[1, 2]"),
                ok("{{ 1 < 2 < 3 }}|{{ 3 > 2 > 2 }}|{{ 1 == 1 == 1 }}|{{ 1 < 2 == 2 }}|{{ 1 == 1 < 0 }}|{{ \"a\" in \"abc\" == true }}|{{ 0 < i <= 3 }}",
                        "True|False|True|True|False|False|True"),
                ok("{{ not 1 == 2 }}|{{ i == 3 and x == 2.5 }}|{{ i != 3 or \"y\" }}|{{ l|length > 2 == true }}",
                        "True|True|y|False")        );
    }

    @ParameterizedTest
    @MethodSource("cases")
    void rendersAsJinja2(String template, String expected, String error) {
        JinjaTemplate compiled = JinjaEngine.shared().compile(template);
        if (expected != null) {
            assertThat(compiled.render(new LinkedHashMap<>(VARIABLES))).isEqualTo(expected);
        } else {
            assertThatThrownBy(() -> compiled.render(new LinkedHashMap<>(VARIABLES)))
                    .isInstanceOf(ChatTemplateException.class)
                    .hasMessage(error);
        }
    }
}
