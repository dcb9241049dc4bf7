package io.kvasir.gateway.profile;

import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelDeployment;
import io.kvasir.gateway.engine.ModelStartup;
import io.kvasir.gateway.tenant.FirstStartBootstrap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Starts the gateway's models from the profile store:
 * <ul>
 *   <li>a model the properties name starts from its latest stored version; with none stored, from its properties,
 *       which become version 1 ({@code initial}, audited as {@code kvasir});</li>
 *   <li>a stored version that no longer validates or starts (a plugin or file gone) is logged, and the model
 *       starts from its properties instead, stored as a new version ({@code fallback}), so the history says so;</li>
 *   <li>models loaded through the admin API and not unloaded since start from their latest version; one that
 *       cannot start is logged and left out.</li>
 * </ul>
 * What is stored is what was started: a version is written only after its instance is serving.
 */
@Component
public class StoredProfileStartup implements ModelStartup {

    private static final Logger log = LoggerFactory.getLogger(StoredProfileStartup.class);

    private final ProfileVersions versions;

    public StoredProfileStartup(ProfileVersions versions) {
        this.versions = versions;
    }

    @Override
    public void startModels(ModelCatalog catalog, List<ConfiguredModel> configured) {
        Set<String> names = new HashSet<>();
        for (ConfiguredModel model : configured) {
            names.add(model.name());
            startConfigured(catalog, model);
        }
        for (String name : versions.loadedByApi()) {
            if (!names.contains(name)) {
                startLoadedByApi(catalog, name);
            }
        }
    }

    private void startConfigured(ModelCatalog catalog, ConfiguredModel model) {
        Optional<ProfileVersion> stored = versions.current(model.name());
        if (stored.isPresent()) {
            ProfileVersion version = stored.get();
            try {
                catalog.deploy(model.name(), version.profile());
                log.info("model {} starts from its stored profile, version {}", model.name(), version.version());
                return;
            } catch (RuntimeException e) {
                log.error("model {}: stored profile version {} cannot start ({}); starting from the properties instead",
                        model.name(), version.version(), e.getMessage());
            }
        }
        ModelDeployment deployment = catalog.deploy(model.name(), model.profile());
        ProfileChange change = stored.isPresent() ? ProfileChange.FALLBACK : ProfileChange.INITIAL;
        try {
            versions.record(model.name(), change, deployment.profile(), stored.orElse(null), null, false,
                    FirstStartBootstrap.SYSTEM_ACTOR);
        } catch (RuntimeException e) {
            catalog.unload(model.name());
            throw e;
        }
    }

    private void startLoadedByApi(ModelCatalog catalog, String name) {
        Optional<ProfileVersion> stored = versions.current(name);
        if (stored.isEmpty()) {
            return;
        }
        try {
            catalog.deploy(name, stored.get().profile());
            log.info("model {} (loaded through the admin API) starts from version {}", name, stored.get().version());
        } catch (RuntimeException e) {
            log.error("model {} (loaded through the admin API) cannot start from version {}: {}; it is not served",
                    name, stored.get().version(), e.getMessage());
        }
    }
}
