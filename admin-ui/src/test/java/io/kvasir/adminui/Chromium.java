package io.kvasir.adminui;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Starts Debian's Chromium through Debian's ChromeDriver, both by explicit path ({@code kvasir.chromium},
 * {@code kvasir.chromedriver}; default {@code /usr/bin/...}), so Selenium Manager is never consulted and nothing is
 * downloaded. Each browser gets a fresh profile directory. Without the browser, tests fail under {@code CI=true}
 * ({@code .ci/run} installs it) and are skipped with a message elsewhere.
 */
final class Chromium {

    static final Path BINARY = Path.of(System.getProperty("kvasir.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("kvasir.chromedriver", "/usr/bin/chromedriver"));

    private Chromium() {
    }

    /** Whether this run must not skip what it cannot run. */
    static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Fails under CI, skips elsewhere, when {@code ready} is false. */
    static void require(boolean ready, String what) {
        if (ready) {
            return;
        }
        if (underCi()) {
            fail(what + " (CI=true: browser tests never skip; .ci/run installs chromium and chromium-driver)");
        }
        Assumptions.abort(what + "; skipping the browser tests (install Debian's chromium and chromium-driver to run them)");
    }

    /** A headless Chromium of 1366×900 (a laptop screen) with a fresh profile under {@code profileRoot}. */
    static ChromeDriver start(Path profileRoot) throws IOException {
        require(Files.isExecutable(BINARY), "No Chromium at " + BINARY);
        require(Files.isExecutable(DRIVER), "No ChromeDriver at " + DRIVER);
        Path profile = Files.createTempDirectory(profileRoot, "chromium-profile-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--lang=en-US",
                "--window-size=1366,900", "--user-data-dir=" + profile);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return driver;
    }
}
