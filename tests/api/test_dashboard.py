"""The dashboard, loaded and used in headless Chromium (Debian's chromium + chromium-driver)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest

from .conftest import Server

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Debian's chromium and chromium-driver "
    "(STOSIM_INSTALL_BROWSER=1 ./run-tests installs them)",
)


@pytest.fixture
def browser(tmp_path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    flags = (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1800",
        f"--user-data-dir={tmp_path / 'profile'}",
    )  # fmt: skip
    for flag in flags:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER or ""), options=options)
    yield driver
    driver.quit()


def test_dashboard_starts_a_run_and_charts_it(
    server_factory: Callable[..., Server], browser, tmp_path
):
    from selenium.common.exceptions import StaleElementReferenceException as StaleElement
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import Select, WebDriverWait

    server = server_factory()
    # the tables are redrawn every 2 s: an element found a moment ago may be gone
    wait = WebDriverWait(browser, 240, poll_frequency=0.5, ignored_exceptions=[StaleElement])
    browser.get(server.url + "/")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#scenario option")) >= 2)
    names = [o.text for o in browser.find_elements(By.CSS_SELECTOR, "#scenario option")]
    assert "baseline-2027" in names and "t0-dvp" in names

    Select(browser.find_element(By.ID, "scenario")).select_by_visible_text("t0-dvp")
    browser.find_element(By.ID, "seed").send_keys("11")
    overrides = browser.find_element(By.ID, "overrides")
    overrides.send_keys(
        # a market maker so that a two-day market of ten investors trades at all
        '{"market.days": 2, "investors.0.count": 6, "investors.1.count": 2, '
        '"investors.2.count": 2, "behaviour.market_makers.count": 1}'
    )
    browser.find_element(By.ID, "start").click()
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "#runs tr[data-run]")))
    wait.until(
        lambda d: (
            "t0-dvp" in (text := d.find_element(By.CSS_SELECTOR, "#runs tr[data-run]").text)
            and "11" in text
        )
    )
    wait.until(lambda d: "finished" in d.find_element(By.ID, "run-title").text)
    assert not browser.find_element(By.ID, "run-view").get_attribute("hidden")

    # the charts were drawn from the server's definitions: Vega renders each as SVG with marks
    for chart in ("fees-chart", "spread-chart", "depth-chart", "settle-chart"):
        wait.until(
            lambda d, c=chart: (
                d.execute_script(
                    "return document.querySelectorAll('#' + arguments[0] + ' svg .mark-rect path,"
                    " #' + arguments[0] + ' svg .mark-line path').length",
                    c,
                )
                > 0
            ),
            f"{chart} has no marks",
        )
    assert browser.find_element(By.ID, "trades-csv").get_attribute("href").endswith("/trades.csv")

    # a bad override is reported with the field's path, and nothing else breaks
    overrides.clear()
    overrides.send_keys('{"market.days": -1}')
    browser.find_element(By.ID, "start").click()
    wait.until(lambda d: "market.days" in d.find_element(By.ID, "message").text)

    browser.find_element(By.CSS_SELECTOR, "input[data-compare]").click()
    browser.find_element(By.ID, "compare-selected").click()
    wait.until(
        lambda d: "all fees (trading and one-off) (KRW)" in d.find_element(By.ID, "comparison").text
    )
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#fee-structure-chart svg"))
    browser.save_screenshot(str(tmp_path / "dashboard.png"))


def test_dashboard_starts_a_sweep_and_shows_its_intervals(
    server_factory: Callable[..., Server], browser, tmp_path
):
    from selenium.common.exceptions import StaleElementReferenceException as StaleElement
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    server = server_factory()
    wait = WebDriverWait(browser, 240, poll_frequency=0.5, ignored_exceptions=[StaleElement])
    browser.get(server.url + "/")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#scenario option")) >= 2)
    Select(browser.find_element(By.ID, "scenario")).select_by_visible_text("t0-dvp")
    grid = browser.find_element(By.ID, "grid")
    grid.clear()
    grid.send_keys(
        '{"venues.0.fees.taker_bps": [5, 20], "market.days": [2], "investors.0.count": [6]}'
    )
    seeds = browser.find_element(By.ID, "seeds")
    seeds.clear()
    seeds.send_keys("2")
    browser.find_element(By.ID, "start-sweep").click()
    wait.until(
        lambda d: "finished" in d.find_element(By.CSS_SELECTOR, "#sweeps tr[data-sweep]").text
    )
    wait.until(
        lambda d: (
            "4 / 4" in (text := d.find_element(By.CSS_SELECTOR, "#sweeps tr[data-sweep]").text)
            and "t0-dvp" in text
        )
    )
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#sweeps tr[data-sweep]").click() or True)
    wait.until(lambda d: "95% confidence interval" in d.find_element(By.ID, "sweep-results").text)
    results = browser.find_element(By.ID, "sweep-results").text
    assert "5, 2, 6" in results and "20, 2, 6" in results and ".." in results
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sweep-chart svg"))

    grid.clear()
    grid.send_keys('{"market.days": [-1]}')
    browser.find_element(By.ID, "start-sweep").click()
    wait.until(lambda d: "grid" in d.find_element(By.ID, "message").text)
    browser.save_screenshot(str(tmp_path / "sweeps.png"))
