package io.iptracking.common.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Debian's ChromeDriver (packages chromium and
 * chromium-driver, which deploy/local/services.sh installs): Selenium is pointed at both, so nothing
 * is downloaded. Screenshots go to {@code target/screenshots} of the module that runs the test.
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final Path BROWSER = Path.of(System.getProperty("ipt.chromium", "/usr/bin/chromium"));
    public static final Path DRIVER = Path.of(System.getProperty("ipt.chromedriver", "/usr/bin/chromedriver"));

    private final ChromeDriver driver;

    public HeadlessChromium(int width, int height) {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("browser tests need Debian's chromium and chromium-driver (" + BROWSER + ", " + DRIVER
                    + "): run deploy/local/services.sh");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + width + "," + height, "--lang=en-US", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Saves the page as it looks now to {@code target/screenshots/<name>.png}; returns the file. */
    public Path screenshot(String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "screenshots"));
            File shot = driver.getScreenshotAs(OutputType.FILE);
            return Files.copy(shot.toPath(), dir.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
