package io.kvasir.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RELIABILITY.md item 4: model paths outside the model directories are refused before anything is opened. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ModelPathPolicyTest {

    @TempDir
    Path root;

    private Path models;
    private Path moreModels;
    private Path outside;
    private ModelPathPolicy policy;

    @BeforeEach
    void layOutDirectories() throws IOException {
        models = Files.createDirectories(root.resolve("models"));
        moreModels = Files.createDirectories(root.resolve("more-models"));
        outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(models.resolve("llama.gguf"), "GGUF");
        Files.createDirectories(models.resolve("sub"));
        Files.writeString(models.resolve("sub/tiny.gguf"), "GGUF");
        Files.writeString(moreModels.resolve("extra.gguf"), "GGUF");
        Files.writeString(outside.resolve("secret.gguf"), "GGUF");
        policy = ModelPathPolicy.of(models, moreModels);
    }

    @Test
    void acceptsRegularFilesInsideTheDirectoriesByRelativeOrAbsolutePath() throws IOException {
        assertThat(policy.resolve("llama.gguf")).isEqualTo(models.resolve("llama.gguf").toRealPath());
        assertThat(policy.resolve("sub/tiny.gguf")).isEqualTo(models.resolve("sub/tiny.gguf").toRealPath());
        assertThat(policy.resolve("./llama.gguf")).isEqualTo(models.resolve("llama.gguf").toRealPath());
        assertThat(policy.resolve("extra.gguf")).as("second directory").isEqualTo(moreModels.resolve("extra.gguf").toRealPath());
        assertThat(policy.resolve(models.resolve("sub/tiny.gguf").toString())).isEqualTo(models.resolve("sub/tiny.gguf").toRealPath());
    }

    @Test
    void acceptsSymbolicLinksThatStayInsideAndReturnsTheirTarget() throws IOException {
        Files.createSymbolicLink(models.resolve("current.gguf"), models.resolve("sub/tiny.gguf"));
        Files.createSymbolicLink(models.resolve("borrowed.gguf"), moreModels.resolve("extra.gguf"));

        assertThat(policy.resolve("current.gguf")).isEqualTo(models.resolve("sub/tiny.gguf").toRealPath());
        assertThat(policy.resolve("borrowed.gguf")).isEqualTo(moreModels.resolve("extra.gguf").toRealPath());
    }

    @Test
    void acceptsFilesThroughADirectoryConfiguredAsASymbolicLink() throws IOException {
        Path linkedModels = Files.createSymbolicLink(root.resolve("linked-models"), models);
        ModelPathPolicy linked = ModelPathPolicy.of(linkedModels);

        assertThat(linked.modelDirectories()).containsExactly(models.toRealPath());
        assertThat(linked.resolve(linkedModels.resolve("llama.gguf").toString())).isEqualTo(models.resolve("llama.gguf").toRealPath());
        assertThat(linked.resolve("llama.gguf")).isEqualTo(models.resolve("llama.gguf").toRealPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside/secret.gguf", "sub/../../outside/secret.gguf", "sub/../llama.gguf", "..", "../models/llama.gguf"})
    void refusesDotDotElements(String requested) {
        assertRefused(requested, "'..' is not allowed");
    }

    @Test
    void refusesDotDotInsideAnAbsolutePath() {
        assertRefused(models + "/../outside/secret.gguf", "'..' is not allowed");
    }

    @Test
    void refusesAbsolutePathsOutsideTheDirectories() {
        assertRefused(outside.resolve("secret.gguf").toString(), "lies outside the model directories");
        assertRefused("/etc/passwd", "lies outside the model directories");
        assertRefused("/no/such/file.gguf", "lies outside the model directories");
        assertRefused(root.resolve("models-evil/llama.gguf").toString(), "lies outside the model directories");
    }

    @Test
    void refusesSymbolicLinksThatLeaveTheDirectories() throws IOException {
        Files.createSymbolicLink(models.resolve("escape.gguf"), outside.resolve("secret.gguf"));
        Files.createSymbolicLink(models.resolve("escape-dir"), outside);
        Path passwd = Files.createSymbolicLink(models.resolve("passwd.gguf"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(models.resolve("relative.gguf"), Path.of("../outside/secret.gguf"));

        assertRefused("escape.gguf", "resolves to a location outside the model directories");
        assertRefused("escape-dir/secret.gguf", "resolves to a location outside the model directories");
        assertRefused("passwd.gguf", "resolves to a location outside the model directories");
        assertRefused("relative.gguf", "resolves to a location outside the model directories");
        assertRefused(models.resolve("escape.gguf").toString(), "resolves to a location outside the model directories");
        Files.delete(passwd); // spares JUnit's warning about a link leaving the temporary directory
    }

    @Test
    void refusesDirectories() throws IOException {
        Files.createSymbolicLink(models.resolve("link-to-sub"), models.resolve("sub"));

        assertRefused("sub", "is a directory");
        assertRefused("link-to-sub", "is a directory");
        assertRefused(".", "is a directory");
        assertRefused(models.toString(), "is a directory");
    }

    @Test
    void refusesDevices() {
        ModelPathPolicy devices = ModelPathPolicy.of(Path.of("/dev"));

        assertThatThrownBy(() -> devices.resolve("random"))
                .isInstanceOf(ModelPathException.class)
                .hasMessage("model path 'random': is not a regular file (a device, FIFO or socket)");
        assertThatThrownBy(() -> devices.resolve("/dev/null"))
                .isInstanceOf(ModelPathException.class)
                .hasMessageContaining("is not a regular file");
        assertRefused("/dev/random", "lies outside the model directories");
    }

    @Test
    @Timeout(30) // opening a FIFO for reading blocks until a writer comes: a hang here is the failure
    void refusesAFifoWithoutOpeningIt() throws Exception {
        Path fifo = models.resolve("model.gguf");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();

        assertRefused("model.gguf", "is not a regular file");
        assertRefused(fifo.toString(), "is not a regular file");
    }

    @Test
    void refusesMissingFilesWithoutSayingWhereItLooked() {
        ModelPathException e = assertRefused("missing.gguf", "not found in the model directories");
        assertThat(e.getMessage()).doesNotContain(models.toString());
    }

    @Test
    void refusesEmptyAndInvalidRequests() {
        assertRefused("", "no path given");
        assertRefused("   ", "no path given");
        assertThatThrownBy(() -> policy.resolve(null)).isInstanceOf(ModelPathException.class).hasMessageContaining("no path given");
        assertRefused("llama\0.gguf", "not a valid path");
    }

    @Test
    void escapesControlCharactersInTheMessage() {
        assertThatThrownBy(() -> policy.resolve("evil\n2025-01-01 INFO forged log line\u0000.gguf"))
                .isInstanceOf(ModelPathException.class)
                .hasMessageStartingWith("model path 'evil\\u000a2025-01-01 INFO forged log line\\u0000.gguf': ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void refusesToBeConfiguredWithMissingDirectoriesOrFiles() {
        assertThatThrownBy(() -> ModelPathPolicy.of(root.resolve("nope")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("modelDirectories: " + root.resolve("nope"));
        assertThatThrownBy(() -> ModelPathPolicy.of(models.resolve("llama.gguf")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a directory");
        assertThatThrownBy(() -> ModelPathPolicy.of())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one model directory");
    }

    private ModelPathException assertRefused(String requested, String problem) {
        try {
            Path resolved = policy.resolve(requested);
            throw new AssertionError("accepted " + requested + " as " + resolved);
        } catch (ModelPathException e) {
            assertThat(e.requested()).isEqualTo(requested);
            assertThat(e.getMessage()).contains(problem);
            return e;
        }
    }
}
