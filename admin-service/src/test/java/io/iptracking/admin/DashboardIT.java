package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.event.Severity;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.ContractSamples;
import io.iptracking.common.testing.HeadlessChromium;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboard in headless Chromium against the running service: sign-in, the charts' data for
 * traffic and flags the test sent through Kafka, a range change, tables, the IP page, what a viewer
 * is offered, and hostile text (paths, user agents, reasons) shown as text. Screenshots of the main
 * views go to target/screenshots.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    static final PostgresDatabase DB = TestPostgres.newDatabase();

    /** Hostile text, in a path, a user agent, a flag's reason and a block's reason. */
    static final String PATH_PAYLOAD = "/admin/\"><img src=x onerror=\"document.title='pwned-path'\">";
    static final String AGENT_PAYLOAD = "<script>document.title='pwned-agent'</script>";
    static final String FLAG_PAYLOAD = "<script>document.title='pwned-flag'</script>";
    static final String BLOCK_PAYLOAD = "\"><img src=x onerror=\"document.title='pwned-block'\">";

    static final int ALLOWED = 20;
    static final int BLOCKED = 6;
    static final int RATE_LIMITED = 4;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AdminTestProperties.register(registry, DB, KAFKA);
    }

    @LocalServerPort
    int port;

    static HeadlessChromium chromium;
    static ChromeDriver browser;

    /** Once, before the first test: the data, then the browser (the tests run in order, in one browser). */
    @BeforeEach
    void data() throws Exception {
        if (chromium != null) {
            return;
        }
        ApiClient operator = new ApiClient(port, ApiClient.OPERATOR_KEY);
        Instant now = Instant.now();
        try (KafkaProducer<ClientIp, EnrichedRequestEvent> requests = KAFKA.producer(Topics.ENRICHED_REQUESTS.keySerde().serializer(),
                Topics.ENRICHED_REQUESTS.valueSerde().serializer());
                KafkaProducer<ClientIp, FlaggedIp> flags = KAFKA.producer(Topics.FLAGGED.keySerde().serializer(),
                        Topics.FLAGGED.valueSerde().serializer())) {
            int i = 0;
            for (Decision decision : List.of(Decision.ALLOWED, Decision.BLOCKED, Decision.RATE_LIMITED)) {
                int n = decision == Decision.ALLOWED ? ALLOWED : decision == Decision.BLOCKED ? BLOCKED : RATE_LIMITED;
                for (int k = 0; k < n; k++, i++) {
                    String country = i % 3 == 0 ? "DE" : "US";
                    String path = i == 0 ? PATH_PAYLOAD : "/shop/" + i;
                    EnrichedRequestEvent event = new EnrichedRequestEvent(new RequestEvent(UUID.randomUUID(),
                            now.minus(Duration.ofMinutes(1 + i % 30)), ClientIp.parse("203.0.113." + (1 + i % 5)), "GET", "shop.example",
                            path, 200, 2L, AGENT_PAYLOAD, null, decision, null, Mode.PROXY),
                            new Geo(country, null, null, null, null, 64496L + i % 2, null, false));
                    requests.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), event.request().ip(), event)).get();
                }
            }
            for (FlagRule rule : List.of(FlagRule.SCANNING, FlagRule.SCANNING, FlagRule.HIGH_VOLUME)) {
                FlaggedIp flag = new FlaggedIp(UUID.randomUUID(), ClientIp.parse("203.0.113.1"), rule, "203.0.113.1 " + FLAG_PAYLOAD,
                        Severity.HIGH, 0.9, now.minus(1, ChronoUnit.HOURS), now.minus(Duration.ofMinutes(5)), 120,
                        ContractSamples.flaggedIp().evidence(), Geo.UNKNOWN, now.minus(Duration.ofMinutes(5)), null);
                flags.send(new ProducerRecord<>(Topics.FLAGGED.name(), flag.ip(), flag)).get();
            }
        }
        assertThat(operator.post("/api/v1/blocks", "{\"cidr\":\"198.51.100.66\",\"reason\":\"" + BLOCK_PAYLOAD.replace("\"", "\\\"")
                + "\"}").status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> operator.get("/api/v1/reports/summary").json().get("requests").asLong()
                == ALLOWED + BLOCKED + RATE_LIMITED && operator.get("/api/v1/flagged").json().get("total").asLong() == 3);
        chromium = new HeadlessChromium(1400, 1000);
        browser = chromium.driver();
    }

    @AfterAll
    static void close() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    @Order(1)
    void withoutAKeyThePageSaysWhatItNeedsAndHowToMakeOne() {
        browser.get(url());
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("signin")).isDisplayed());
        assertThat(browser.findElement(By.id("signin")).getText()).contains("needs an API key").contains("new-api-key");
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
        signIn("not-a-key");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("signinError")).getText().contains("not accepted"));
    }

    @Test
    @Order(2)
    void anOperatorSeesTheChartsOfTheTrafficAndFlagsSent() {
        browser.get(url());
        signIn(ApiClient.OPERATOR_KEY);
        awaitRefreshed();
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("it-operator · operator");
        assertThat(datasetSums("trafficChart")).containsExactly((long) ALLOWED + BLOCKED + RATE_LIMITED, (long) BLOCKED,
                (long) RATE_LIMITED);
        assertThat(datasetLabels("flagChart")).containsExactly("HIGH_VOLUME", "SCANNING");
        assertThat(datasetSums("flagChart")).containsExactly(1L, 2L);
        assertThat(chartLabels("countryChart")).containsExactlyInAnyOrder("US", "DE");
        assertThat(chartLabels("networkChart")).containsExactlyInAnyOrder("AS64496", "AS64497");
        assertThat(browser.findElement(By.id("summary")).getText()).contains(Integer.toString(ALLOWED + BLOCKED + RATE_LIMITED));
        chromium.screenshot("dashboard-overview");

        // The flags of a network, most severe first; another network has none.
        browser.findElement(By.id("flagIp")).sendKeys("203.0.113.0/24");
        browser.findElement(By.cssSelector("#flagSort option[value='severity']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("flagPager")).getText().contains("(3)"));
        browser.findElement(By.id("flagIp")).clear();
        browser.findElement(By.id("flagIp")).sendKeys("198.51.100.0/24");
        browser.findElement(By.id("flagFilter")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("flagPager")).getText().contains("(0)"));
        browser.findElement(By.id("flagIp")).clear();
        browser.findElement(By.id("flagFilter")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("flagPager")).getText().contains("(3)"));
    }

    @Test
    @Order(3)
    void aRangeChangeReloadsTheChartsPerMinute() {
        long before = refreshed();
        browser.findElement(By.cssSelector("#range option[value='1h']")).click();
        await().atMost(Duration.ofSeconds(15)).until(() -> refreshed() > before && "1h".equals(browser.findElement(By.tagName("body"))
                .getDomAttribute("data-range")));
        List<String> labels = chartLabels("trafficChart");
        assertThat(labels).hasSizeBetween(60, 61).allMatch(l -> l.matches("\\d\\d:\\d\\d"));
        assertThat(datasetSums("trafficChart").getFirst()).isEqualTo(ALLOWED + BLOCKED + RATE_LIMITED);
        assertThat(browser.findElement(By.id("summaryTitle")).getDomProperty("textContent")).isEqualTo("Summary, last hour");
    }

    @Test
    @Order(4)
    void hostileTextIsShownAsTextAndRunsNothing() {
        String page = browser.findElement(By.tagName("body")).getText();
        assertThat(page).contains(FLAG_PAYLOAD).contains(BLOCK_PAYLOAD).contains(PATH_PAYLOAD);
        assertThat(browser.findElements(By.cssSelector("img[src='x']"))).isEmpty();
        assertThat(browser.findElements(By.xpath("//script[contains(., 'pwned')]"))).isEmpty();
        assertThat(browser.getTitle()).isEqualTo("ip-tracking admin");
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    @Order(5)
    void theIpPageGathersWhatIsKnownAndTheFormBlocks() {
        browser.findElement(By.id("lookupIp")).clear();
        browser.findElement(By.id("lookupIp")).sendKeys("203.0.113.1");
        browser.findElement(By.cssSelector("#lookup button")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("ipPage")).isDisplayed());
        assertThat(browser.findElement(By.id("ipStatus")).getText()).isEqualTo("neither blocked nor allowed");
        assertThat(browser.findElement(By.id("ipFlags")).getText()).contains("SCANNING").contains(FLAG_PAYLOAD);
        assertThat(browser.findElement(By.id("ipActivity")).getText()).contains("203.0.113.0/24");
        chromium.screenshot("dashboard-ip");

        long before = refreshed();
        browser.findElement(By.id("blockCidr")).sendKeys("198.51.100.77");
        browser.findElement(By.id("blockReason")).sendKeys("from the dashboard's form");
        browser.findElement(By.id("blockFor")).sendKeys("2h");
        browser.findElement(By.cssSelector("#block button")).click();
        await().atMost(Duration.ofSeconds(15)).until(() -> refreshed() > before
                && browser.findElement(By.id("blocks")).getText().contains("198.51.100.77/32"));
        assertThat(new ApiClient(port, ApiClient.VIEWER_KEY).get("/api/v1/ips/198.51.100.77").json().get("status").asString())
                .isEqualTo("BLOCKED");
    }

    @Test
    @Order(6)
    void aSecondTabOfTheSessionIsSignedInAndForgettingSignsOutEveryTab() {
        String first = browser.getWindowHandle();
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(url());
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("who")).isDisplayed());
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("it-operator · operator");
        browser.findElement(By.id("forget")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("signin")).isDisplayed());
        String second = browser.getWindowHandle();
        browser.switchTo().window(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("signin")).isDisplayed());
        assertThat(browser.executeScript("return sessionStorage.getItem('ipt-key')")).isNull();
        browser.switchTo().window(second).close();
        browser.switchTo().window(first);
    }

    @Test
    @Order(7)
    void aViewerIsOfferedNoChange() {
        browser.get(url());
        signIn(ApiClient.VIEWER_KEY);
        awaitRefreshed();
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("it-viewer · viewer");
        assertThat(browser.findElement(By.id("block")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("blocks")).getText()).contains("198.51.100.66/32");
        assertThat(buttons("Unblock")).isEmpty();
        browser.findElement(By.id("lookupIp")).sendKeys("198.51.100.66");
        browser.findElement(By.cssSelector("#lookup button")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("ipPage")).isDisplayed()
                && browser.findElement(By.id("ipStatus")).getText().equals("blocked"));
        assertThat(browser.findElement(By.id("ipActions")).findElements(By.tagName("button"))).isEmpty();
        chromium.screenshot("dashboard-viewer");
    }

    private void signIn(String key) {
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("signin")).isDisplayed());
        browser.findElement(By.id("key")).sendKeys(key);
        browser.findElement(By.cssSelector("#signinForm button")).click();
    }

    private void awaitRefreshed() {
        await().atMost(Duration.ofSeconds(15)).until(() -> refreshed() > 0);
    }

    private long refreshed() {
        String value = browser.findElement(By.tagName("body")).getDomAttribute("data-refreshed");
        return value == null ? 0 : Long.parseLong(value);
    }

    private List<WebElement> buttons(String text) {
        return browser.findElements(By.xpath("//button[normalize-space(.)='" + text + "']"));
    }

    /** The sum of each dataset of a chart, as Chart.js holds it. */
    @SuppressWarnings("unchecked")
    private List<Long> datasetSums(String chart) {
        return (List<Long>) browser.executeScript("return Chart.getChart(arguments[0]).data.datasets"
                + ".map(d => d.data.reduce((a, b) => a + b, 0))", chart);
    }

    @SuppressWarnings("unchecked")
    private List<String> datasetLabels(String chart) {
        return (List<String>) browser.executeScript("return Chart.getChart(arguments[0]).data.datasets.map(d => d.label)", chart);
    }

    @SuppressWarnings("unchecked")
    private List<String> chartLabels(String chart) {
        return (List<String>) browser.executeScript("return Chart.getChart(arguments[0]).data.labels", chart);
    }

    private String url() {
        return "http://127.0.0.1:" + port + "/";
    }
}
