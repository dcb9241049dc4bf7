package io.kvasir.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The property metadata IDEs and the docs show says what the properties really default to. */
class ConfigurationMetadataTest {

    @Test
    void everyDocumentedEmbeddedDefaultIsTheBoundDefault() throws Exception {
        Map<String, String> documented = documentedDefaults("spring.ai.kvasir.embedded.");
        KvasirEmbeddedProperties defaults = new KvasirEmbeddedProperties();

        // Binding the documented defaults explicitly must give exactly what binding nothing gives.
        KvasirEmbeddedProperties bound = new Binder(new MapConfigurationPropertySource(documented))
                .bindOrCreate(KvasirEmbeddedProperties.CONFIG_PREFIX, KvasirEmbeddedProperties.class);

        assertThat(documented).containsKeys("spring.ai.kvasir.embedded.profile.codec.name",
                "spring.ai.kvasir.embedded.profile.scheduling.name", "spring.ai.kvasir.embedded.kv-cache-size",
                "spring.ai.kvasir.embedded.tenant-id");
        assertThat(bound.toEngineConfig()).isEqualTo(defaults.toEngineConfig());
        assertThat(bound.getTenantId()).isEqualTo(defaults.getTenantId());
    }

    private static Map<String, String> documentedDefaults(String prefix) throws Exception {
        Map<String, String> defaults = new HashMap<>();
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            JsonNode metadata = JsonMapper.builder().build().readTree(in);
            for (JsonNode property : metadata.get("properties")) {
                String name = property.get("name").asString();
                if (name.startsWith(prefix) && property.has("defaultValue")) {
                    defaults.put(name, property.get("defaultValue").asString());
                }
            }
        }
        return defaults;
    }
}
