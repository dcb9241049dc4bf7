package io.kvasir.gateway.engine;

import io.kvasir.gateway.profile.ModelProfile;
import java.util.List;

/**
 * Starts the catalog's models when the gateway starts: decides, for each model the properties name, which profile
 * it starts from, and which other models to load. The gateway's store starts each model from its latest stored
 * profile ({@link io.kvasir.gateway.profile.StoredProfileStartup}); {@link #FROM_PROPERTIES} serves the properties
 * as they are.
 */
@FunctionalInterface
public interface ModelStartup {

    /** Deploys every configured model with the profile its properties describe. */
    ModelStartup FROM_PROPERTIES = (catalog, configured) -> configured.forEach(m -> catalog.deploy(m.name(), m.profile()));

    /**
     * Deploys the models into {@code catalog}.
     *
     * @param configured the models the properties name, each with the profile the properties describe
     * @throws RuntimeException when a model cannot start; the gateway does not start then
     */
    void startModels(ModelCatalog catalog, List<ConfiguredModel> configured);

    /**
     * A model named in the properties.
     *
     * @param name the name clients use
     * @param profile the profile its properties describe
     */
    record ConfiguredModel(String name, ModelProfile profile) {
    }
}
