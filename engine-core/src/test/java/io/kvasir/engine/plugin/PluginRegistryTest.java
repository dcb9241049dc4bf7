package io.kvasir.engine.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.api.plugin.SchedulingPolicy;

class PluginRegistryTest {

    @Test
    void aProviderThatFailsToLoadIsReportedAndTheOthersWork() {
        PluginRegistry registry = PluginRegistry.load();
        List<PluginStatus> statuses = registry.statuses(PluginKind.SCHEDULING);
        assertThat(statuses).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("test-newest");
            assertThat(s.state()).isEqualTo(PluginStatus.State.ACTIVE);
        });
        assertThat(statuses).filteredOn(s -> s.state() == PluginStatus.State.FAILED)
                .extracting(PluginStatus::failure).anySatisfy(f -> assertThat(f).contains("this provider cannot start"))
                .anySatisfy(f -> assertThat(f).contains("DoesNotExist"));
        assertThat(registry.names(PluginKind.SCHEDULING)).contains("test-newest").doesNotContain("test-broken");
        assertThat(registry.create(PluginKind.SCHEDULING, "test-newest", Map.of(), SchedulingPolicy.class)).isNotNull();
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        PluginRegistry registry = PluginRegistry.load();
        assertThatThrownBy(() -> registry.create(PluginKind.SCHEDULING, "nope", Map.of(), SchedulingPolicy.class))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessageContaining("unknown scheduling plugin 'nope'").hasMessageContaining("test-newest");
    }

    @Test
    void configurationIsValidatedAgainstTheSchema() {
        PluginRegistry registry = PluginRegistry.load();
        assertThatThrownBy(() -> registry.create(PluginKind.SCHEDULING, "test-newest", Map.of("depth", 99), SchedulingPolicy.class))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("depth: must be in [1, 8]");
        assertThatThrownBy(() -> registry.create(PluginKind.SCHEDULING, "test-newest", Map.of("dept", 2), SchedulingPolicy.class))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("dept: unknown field");
        assertThatThrownBy(() -> registry.create(PluginKind.SCHEDULING, "test-newest", Map.of("depth", "two"), SchedulingPolicy.class))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("expected a number");
    }

    @Test
    void aSeparatelyBuiltPluginJarAddsAStrategyWithNoChangeToKvasir(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/com/example/RoundRobinProvider.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package com.example;
                import io.kvasir.api.plugin.*;
                import java.util.List;
                public final class RoundRobinProvider implements SchedulingPolicyProvider {
                    public String name() { return "example-last"; }
                    public String description() { return "Third-party: always admits the last waiting request."; }
                    public ConfigSchema configSchema() { return ConfigSchema.empty(); }
                    public SchedulingPolicy create(PluginConfig config) {
                        return new SchedulingPolicy() {
                            public int pickNext(List<? extends Candidate> waiting, long now) { return waiting.size() - 1; }
                        };
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString());
        assertThat(status).isZero();
        Path services = classes.resolve("META-INF/services/io.kvasir.api.plugin.SchedulingPolicyProvider");
        Files.createDirectories(services.getParent());
        Files.writeString(services, "com.example.RoundRobinProvider\n");
        Path jar = dir.resolve("example-plugin.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            try (var files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
        }

        PluginRegistry registry = PluginRegistry.load();
        assertThat(registry.names(PluginKind.SCHEDULING)).doesNotContain("example-last");
        registry.scan(new URLClassLoader(new URL[] {jar.toUri().toURL()}, PluginRegistry.class.getClassLoader()));

        assertThat(registry.names(PluginKind.SCHEDULING)).contains("example-last");
        assertThat(registry.statuses(PluginKind.SCHEDULING)).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("example-last");
            assertThat(s.source()).endsWith("example-plugin.jar");
        });
        SchedulingPolicy policy = registry.create(PluginKind.SCHEDULING, "example-last", Map.of(), SchedulingPolicy.class);
        assertThat(policy.pickNext(List.of(), 0)).isEqualTo(-1);
    }
}
