package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.support.TestDatabases;
import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The operator console in a real browser: Debian's chromium driven through chromium-driver by Selenium, against the
 * packaged service on DynamoDB Local, PostgreSQL and OpenSearch (behind a proxy the test cuts). What the page shows is
 * checked against sources the service did not write: the table's sums and the rows in the store. Every page is kept
 * as a screenshot under {@code target/console/}, and no test may leave an error in the browser's console.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console");

    private ServiceFixture fixture;
    private UserWrites writes;
    private ServiceProcess service;
    private ChromeDriver browser;

    @BeforeAll
    void start() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium chromium-driver; .ci/run does)")
                .isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver").isExecutable();
        fixture = new ServiceFixture("Console").withOpenSearch();
        fixture.settings.put("invoice.source.dynamodb-streams.max-error-backoff", "2s");
        // Parked events wait for the operator here: the service's own retries would race the console's.
        fixture.settings.put("invoice.dead-letters.initial-backoff", "10m");
        writes = fixture.writes(5_500_000, 20);
        service = fixture.start();
        writes.write(60);
        fixture.awaitCaughtUp(writes, Instant.now(), true);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1400");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Whatever a test did, the browser's console holds no error: no failed script, no failed request. */
    @AfterEach
    void noConsoleErrors(TestInfo test) {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(entry.getMessage());
            }
        }
        assertThat(errors).as("errors in the browser's console during " + test.getDisplayName()).isEmpty();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + service.port() + path;
    }

    private void screenshot(String name) throws Exception {
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private WebElement readModelRow(String name) {
        return browser.findElement(By.cssSelector("#read-models tr[data-name='" + name + "']"));
    }

    private String cell(String readModel, String column) {
        return readModelRow(readModel).findElement(By.cssSelector("." + column)).getText();
    }

    private static double number(String shown) {
        return Double.parseDouble(shown.replace(",", ""));
    }

    /** Enters the admin key when the page must ask for one: once per tab, before the first action. */
    private void enterKeyIfAsked() {
        Object kept = ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return sessionStorage.getItem('invoice-streams.key')");
        if (kept != null) {
            return;
        }
        WebElement panel = browser.findElement(By.id("key-panel"));
        await().atMost(Duration.ofSeconds(2)).ignoreExceptions().until(panel::isDisplayed);
        browser.findElement(By.id("key-input")).sendKeys(ServiceProcess.ADMIN_KEY, Keys.ENTER);
        await().atMost(Duration.ofSeconds(2)).until(() -> !panel.isDisplayed());
    }

    private void openOverview() {
        browser.get(url("/"));
        assertThat(browser.getCurrentUrl()).as("the root leads to the console").endsWith("/console/");
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> readModelRow("totals").isDisplayed());
    }

    @Test
    @Order(1)
    void the_overview_shows_every_read_model_caught_up_and_a_lag_that_rises_with_an_outage_and_falls_after()
            throws Exception {
        openOverview();
        long head = ServiceChecks.storedEvents(fixture.schema);
        for (String model : List.of("totals", "country-verification", "search", "audit-archive", "notifications")) {
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
                assertThat(cell(model, "state")).isEqualTo("RUNNING");
                assertThat(cell(model, "lag-events")).as(model + " caught up").isEqualTo("0");
                assertThat(cell(model, "lag-seconds")).isEqualTo("0");
            });
        }
        assertThat(head).as("the store holds every change, counted in PostgreSQL").isEqualTo(writes.changes());
        assertThat(browser.findElements(By.cssSelector("#shards tbody tr"))).as("the stream's shard").isNotEmpty();
        assertThat(browser.findElement(By.cssSelector("#shards tbody tr .owner")).getText())
                .contains("(this node)");
        assertThat(browser.findElement(By.cssSelector("#nodes tbody tr .live")).getText()).isEqualTo("live");
        screenshot("overview");

        // OpenSearch refuses connections: the search read model falls behind, the others do not.
        fixture.openSearchProxy().cut();
        writes.write(30);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(number(cell("search", "lag-events"))).as("search's events behind").isPositive();
            assertThat(number(cell("search", "lag-seconds"))).as("search's lag in seconds").isGreaterThan(5);
        });
        double during = number(cell("search", "lag-seconds"));
        ServiceProcess.pause(Duration.ofSeconds(3));
        assertThat(number(cell("search", "lag-seconds"))).as("the lag keeps rising while the outage lasts")
                .isGreaterThan(during);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .untilAsserted(() -> assertThat(cell("totals", "lag-events")).isEqualTo("0"));
        screenshot("overview-search-cut");

        fixture.openSearchProxy().restore();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            assertThat(cell("search", "lag-events")).isEqualTo("0");
            assertThat(cell("search", "lag-seconds")).isEqualTo("0");
        });
        fixture.awaitCaughtUp(writes, Instant.now(), true);
    }

    @Test
    @Order(2)
    void a_rebuild_started_from_the_console_reaches_100_percent_and_the_totals_equal_the_table() throws Exception {
        openOverview();
        Instant clicked = Instant.now();
        WebElement rebuild = readModelRow("totals").findElement(By.cssSelector("button.rebuild-start"));
        // From the keyboard: focus the button and press Enter.
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].focus()", rebuild);
        rebuild.sendKeys(Keys.ENTER);
        enterKeyIfAsked();
        WebElement progress = readModelRow("totals").findElement(By.cssSelector(".rebuild"));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            assertThat(progress.getAttribute("data-state")).isEqualTo("DONE");
            assertThat(progress.getAttribute("data-percent")).isEqualTo("100");
            assertThat(progress.findElement(By.tagName("progress")).getAttribute("value")).isEqualTo("100");
            assertThat(Instant.parse(rebuildRequested())).as("the rebuild the console asked for")
                    .isAfter(clicked.minusSeconds(1));
        });
        screenshot("overview-rebuilt");
        assertThat(ServiceChecks.totalsMatch(service, writes.expected()))
                .as("every total equals the table's sum after the rebuild").isTrue();
    }

    /** When the newest rebuild of the totals was asked for, as the service reports it. */
    private String rebuildRequested() throws Exception {
        for (var r : ServiceChecks.JSON.readTree(service.get("/projections").body()).get("rebuilds")) {
            if (r.get("name").asText().equals("totals")) {
                return r.get("requested").asText();
            }
        }
        throw new AssertionError("no rebuild of the totals");
    }

    @Test
    @Order(3)
    void a_dead_letter_made_on_purpose_is_retried_from_the_console_and_disappears() throws Exception {
        String invoice = "5599999";
        // The totals row of the invoice is corrupt: its Total is text, so ADD Total fails for this invoice only.
        fixture.users.putItem(b -> b.tableName(fixture.totalsTable()).item(Map.of(
                "InvoiceNumber", AttributeValue.fromS(invoice), "Total", AttributeValue.fromS("corrupt"))));
        UserWrites poisoned = new UserWrites(fixture.users, fixture.table(), Integer.parseInt(invoice), 1, null);
        poisoned.write(1);
        openOverview();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(cell("totals", "dead-letters")).isEqualTo("1"));
        readModelRow("totals").findElement(By.cssSelector("button.dead-letters-open")).click();
        enterKeyIfAsked();
        By letters = By.cssSelector("#dlq-letters tbody tr");
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElements(letters).size() == 1);
        WebElement letter = browser.findElement(letters);
        assertThat(letter.getText()).contains(invoice).contains("TransactionRecorded");
        screenshot("dead-letters");

        // The operator mends the row, then retries from the console.
        fixture.users.deleteItem(b -> b.tableName(fixture.totalsTable())
                .key(Map.of("InvoiceNumber", AttributeValue.fromS(invoice))));
        letter.findElement(By.cssSelector("button.retry")).click();
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElements(letters).isEmpty());
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .untilAsserted(() -> assertThat(cell("totals", "dead-letters")).isEqualTo("0"));
        assertThat(ServiceChecks.totalsMatch(service, poisoned.expected())).as("the retried event reached the total")
                .isTrue();
        assertThat(ServiceChecks.totalsMatch(service, writes.expected())).isTrue();
    }

    @Test
    @Order(4)
    void the_invoice_page_shows_the_stored_history_on_a_phone_sized_screen_too() throws Exception {
        String invoice = writes.expected().keySet().iterator().next();
        List<String[]> stored = storedHistory(invoice);
        assertThat(stored).as("the invoice's events in PostgreSQL").hasSizeGreaterThan(2);
        for (Dimension size : List.of(new Dimension(1280, 1400), new Dimension(390, 1400))) {
            browser.manage().window().setSize(size);
            browser.get(url("/console/invoice.html?n=" + invoice));
            By rows = By.cssSelector("#events tbody tr");
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(rows).size() == stored.size());
            List<WebElement> shown = browser.findElements(rows);
            for (int i = 0; i < stored.size(); i++) {
                List<WebElement> cells = shown.get(i).findElements(By.tagName("td"));
                assertThat(cells.get(0).getAttribute("textContent")).isEqualTo(stored.get(i)[0]);
                assertThat(cells.get(1).getAttribute("textContent")).isEqualTo(stored.get(i)[1]);
            }
            String total = browser.findElement(By.id("total")).getText();
            assertThat(new BigDecimal(total.replace(" USD", "").replace(",", "")))
                    .isEqualByComparingTo(writes.expected().get(invoice));
            assertThat(browser.findElements(By.cssSelector("#transactions tbody tr")))
                    .as("one row per transaction in the table").hasSize(transactionsInTable(invoice));
            screenshot("invoice-" + size.getWidth());
            // Nothing wider than the screen but the tables' own scrolling boxes.
            Number pageWidth = (Number) ((org.openqa.selenium.JavascriptExecutor) browser)
                    .executeScript("return document.documentElement.scrollWidth");
            assertThat(pageWidth.intValue()).as("the page fits a %d px screen", size.getWidth())
                    .isLessThanOrEqualTo(size.getWidth());
        }
        browser.manage().window().setSize(new Dimension(390, 1400));
        openOverview();
        screenshot("overview-390");
        Number pageWidth = (Number) ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollWidth");
        assertThat(pageWidth.intValue()).as("the overview fits a phone").isLessThanOrEqualTo(390);
        browser.manage().window().setSize(new Dimension(1280, 1400));
    }

    /** The invoice's events as PostgreSQL holds them: sequence number and event type, in order. */
    private List<String[]> storedHistory(String invoice) throws Exception {
        List<String[]> events = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(TestDatabases.PG_URL + "?currentSchema=" + fixture.schema,
                TestDatabases.PG_USER, "");
             PreparedStatement s = c.prepareStatement("select sequencenumber, payloadtype from domainevententry"
                     + " where aggregateidentifier = ? order by sequencenumber")) {
            s.setString(1, invoice);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String type = r.getString(2);
                    events.add(new String[]{Long.toString(r.getLong(1)), type.substring(type.lastIndexOf('$') + 1)});
                }
            }
        }
        return events;
    }

    private int transactionsInTable(String invoice) {
        return fixture.users.query(b -> b.tableName(fixture.table()).keyConditionExpression("InvoiceNumber = :n")
                .expressionAttributeValues(Map.of(":n", AttributeValue.fromS(invoice)))).count();
    }
}
