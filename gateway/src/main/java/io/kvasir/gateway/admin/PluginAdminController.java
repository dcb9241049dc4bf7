package io.kvasir.gateway.admin;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.plugin.PluginStatus;
import io.kvasir.gateway.profile.PluginSlot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The installed strategy plugins per profile slot under {@code /admin/api/plugins}: each provider with its
 * description, status (a provider that failed to load is listed with the reason), step failures and the schema
 * of its configuration, enough for a console to build a form. The slots where {@code none} turns the kind off
 * list {@code none} last.
 */
@RestController
@RequestMapping("/admin/api/plugins")
public class PluginAdminController {

    private final PluginRegistry registry;

    public PluginAdminController(PluginRegistry registry) {
        this.registry = registry;
    }

    /** Every provider, keyed by the profile's plugin field ({@code codec}, {@code prefixIndex}, ...). */
    @GetMapping
    public Mono<Map<String, List<PluginView>>> list() {
        Map<String, List<PluginView>> bySlot = new LinkedHashMap<>();
        for (PluginSlot slot : PluginSlot.values()) {
            List<PluginView> plugins = new ArrayList<>();
            for (PluginStatus status : registry.statuses(slot.kind())) {
                plugins.add(PluginView.of(status));
            }
            if (slot.noneWithoutProvider()) {
                plugins.add(new PluginView(StrategyChoice.NONE, slot.kind().id(), "Turns this kind off.", "loaded", null,
                        "built in", 0, new Schema(List.of())));
            }
            bySlot.put(slot.field(), plugins);
        }
        return Mono.just(bySlot);
    }

    /**
     * One provider.
     *
     * @param name what a profile names it by
     * @param kind its plugin kind ({@code kv-codec}, {@code prefix-index}, ...)
     * @param description what it does
     * @param status {@code loaded} or {@code failed}
     * @param failure why it failed to load, or null
     * @param source the jar or directory it came from
     * @param stepFailures how often it threw during an engine step (and was replaced by the default)
     * @param schema its configuration fields
     */
    public record PluginView(String name, String kind, String description, String status, @Nullable String failure,
            String source, long stepFailures, Schema schema) {
        static PluginView of(PluginStatus status) {
            return new PluginView(status.name(), status.kind().id(), status.description(),
                    status.state() == PluginStatus.State.ACTIVE ? "loaded" : "failed", status.failure(), status.source(),
                    status.numStepFailures(), new Schema(status.schema().fields().stream().map(FieldView::of).toList()));
        }
    }

    /** A plugin's configuration fields, in display order. */
    public record Schema(List<FieldView> fields) {
    }

    /**
     * One configuration field.
     *
     * @param type {@code int}, {@code long}, {@code double}, {@code bool}, {@code string} or {@code enum}
     * @param defaultValue the value when unset; null when required
     * @param min the smallest allowed number, or null
     * @param max the largest allowed number, or null
     * @param unit what the number counts ({@code tokens}, {@code bytes}, ...), may be empty
     * @param choices the values of an {@code enum}; empty otherwise
     * @param help a sentence for the form
     */
    public record FieldView(String name, String type, @Nullable Object defaultValue, @Nullable Double min,
            @Nullable Double max, String unit, List<String> choices, String help) {
        static FieldView of(ConfigField field) {
            String type = field.type() == ConfigField.Type.BOOLEAN ? "bool" : field.type().name().toLowerCase(Locale.ROOT);
            return new FieldView(field.name(), type, field.defaultValue(), field.min(), field.max(), field.unit(),
                    field.allowedValues(), field.help());
        }
    }
}
