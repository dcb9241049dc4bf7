package io.kvasir.engine.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The dependency rules of docs/architecture.md, checked on the compiled classes. */
class LayeringTest {

    private static final JavaClasses KVASIR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kvasir.api", "io.kvasir.engine", "io.kvasir.plugins");

    @Test
    void nothingBelowTheGatewayImportsSpring() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..").check(KVASIR);
    }

    @Test
    void theEngineFindsPluginsOnlyThroughTheServiceLoader() {
        noClasses().that().resideInAPackage("io.kvasir.engine..")
                .should().dependOnClassesThat().resideInAPackage("io.kvasir.plugins..").check(KVASIR);
    }

    @Test
    void thePlatformApiDependsOnNothingOfKvasirsImplementation() {
        noClasses().that().resideInAPackage("io.kvasir.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kvasir.engine..", "io.kvasir.plugins..").check(KVASIR);
    }
}
