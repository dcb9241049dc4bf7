package io.kvasir.engine.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvasir.engine.chat.ChatTemplateException;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JinjaEngineLimitsTest {

    private static final long SMALL_BUDGET = 10_000;
    private final JinjaEngine engine = new JinjaEngine(SMALL_BUDGET);

    private String render(String template) {
        return engine.compile(template).render(new HashMap<>(Map.of()));
    }

    @Test
    void loopsWithEmptyBodiesStillSpendTheStepBudget() {
        assertThatThrownBy(() -> render("{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("template rendering exceeded " + SMALL_BUDGET + " steps");
    }

    @Test
    void renderingThatFitsTheBudgetSucceeds() {
        assertThat(render("{% for a in range(50) %}{% for b in range(50) %}.{% endfor %}{% endfor %}")).hasSize(2500);
    }

    @Test
    void eachRenderGetsAFreshBudget() {
        JinjaTemplate template = engine.compile("{% for a in range(2000) %}.{% endfor %}");
        for (int i = 0; i < 10; i++) {
            assertThat(template.render(new HashMap<>())).hasSize(2000);
        }
    }
}
