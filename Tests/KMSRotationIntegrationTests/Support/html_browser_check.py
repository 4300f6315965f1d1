"""Opens a kms-rotation HTML report in headless Chromium (Selenium) and checks what an auditor relies on.

Usage: html_browser_check.py REPORT.html REPORT.json [SCREENSHOT.png]

Checks: the page loads from file:// with no console message at level SEVERE and no request other than the
file itself (and data: URLs); the counts shown equal the JSON report's summary; filtering by verdict, Region
and text shows exactly the matching rows; sorting by material age and by key orders the rows. Prints one JSON
line: {"ok": true, ...} or {"ok": false, "failures": [...]}; exits 0 either way unless Selenium is missing.
"""
import json
import pathlib
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

html_path = pathlib.Path(sys.argv[1]).resolve()
report = json.loads(pathlib.Path(sys.argv[2]).read_text())
screenshot = sys.argv[3] if len(sys.argv) > 3 else None
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


options = Options()
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1900", "--hide-scrollbars", "--force-device-scale-factor=1"):
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
    if pathlib.Path(binary).exists():
        options.binary_location = binary
        break
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    url = html_path.as_uri()
    driver.get(url)

    # Network: every request the page made must be the file itself or a data: URL.
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            requested = message["params"]["request"]["url"]
            check(requested == url or requested.startswith("data:"), "network request: " + requested)
    for entry in driver.get_log("browser"):
        check(entry.get("level") != "SEVERE", "console error: " + entry.get("message", ""))

    def count(identifier):
        return int(driver.find_element(By.ID, identifier).text)

    summary = report["summary"]
    check(count("count-COMPLIANT") == summary["COMPLIANT"], "COMPLIANT count")
    check(count("count-NON_COMPLIANT") == summary["NON_COMPLIANT"], "NON_COMPLIANT count")
    check(count("count-NOT_APPLICABLE") == summary["NOT_APPLICABLE"], "NOT_APPLICABLE count")
    check(count("count-INSUFFICIENT_DATA") == summary["INSUFFICIENT_DATA"], "INSUFFICIENT_DATA count")
    check(count("count-total") == len(report["findings"]), "total count")
    check(count("count-errors") == len(report["errors"]), "scan error count")
    check(html_path.read_text().count('data-suppressed="true"') == sum(1 for f in report["findings"] if f.get("suppression")),
          "suppressed rows")

    rows = driver.find_elements(By.CSS_SELECTOR, "#findings tbody tr")
    check(len(rows) == len(report["findings"]), "one row per finding")

    def visible():
        return [row for row in driver.find_elements(By.CSS_SELECTOR, "#findings tbody tr") if row.is_displayed()]

    # Filtering by verdict, then Region, then text.
    Select(driver.find_element(By.ID, "filter-verdict")).select_by_visible_text("NON_COMPLIANT")
    shown = visible()
    check(len(shown) == summary["NON_COMPLIANT"], "verdict filter shows %d rows" % len(shown))
    check(all(row.get_attribute("data-verdict") == "NON_COMPLIANT" for row in shown), "verdict filter rows")
    check(driver.find_element(By.ID, "shown").text.startswith("%d of " % summary["NON_COMPLIANT"]), "shown counter")
    regions = sorted({f["region"] for f in report["findings"] if f.get("region")})
    region = regions[0]
    Select(driver.find_element(By.ID, "filter-region")).select_by_visible_text(region)
    expected = sum(1 for f in report["findings"] if f["compliance"] == "NON_COMPLIANT" and f.get("region") == region)
    check(len(visible()) == expected, "verdict and Region filter")
    Select(driver.find_element(By.ID, "filter-verdict")).select_by_index(0)
    Select(driver.find_element(By.ID, "filter-region")).select_by_index(0)
    search = driver.find_element(By.ID, "filter-text")
    search.send_keys("legacy")
    shown = visible()
    check(len(shown) >= 1 and all("legacy" in row.text.lower() for row in shown), "text filter")
    search.clear()
    search.send_keys("x")
    search.clear()
    driver.execute_script("document.getElementById('filter-text').dispatchEvent(new Event('input'))")
    check(len(visible()) == len(report["findings"]), "clearing the filters shows every row")

    # Sorting: material age ascending (rows without an age last), then key descending.
    headers = driver.find_elements(By.CSS_SELECTOR, "#findings thead th")
    age_header = next(h for h in headers if h.text.startswith("Material age"))
    age_header.click()
    ages = [row.find_elements(By.TAG_NAME, "td")[5].get_attribute("data-v") for row in visible()]
    numbers = [float(a) if a else float("inf") for a in ages]
    check(numbers == sorted(numbers), "sort by material age ascending")
    check(age_header.get_attribute("aria-sort") == "ascending", "aria-sort ascending")
    key_header = next(h for h in headers if h.text.startswith("Key"))
    key_header.click()
    key_header.click()
    names = [row.find_elements(By.TAG_NAME, "td")[1].text.lower() for row in visible()]
    check(names == sorted(names, reverse=True), "sort by key descending")

    # Back to the page as it loads, for the screenshot.
    driver.get(url)
    for entry in driver.get_log("browser"):
        check(entry.get("level") != "SEVERE", "console error after reload: " + entry.get("message", ""))
    if screenshot:
        height = driver.execute_script("return Math.min(document.body.scrollHeight, 1900)")
        driver.set_window_size(1400, max(900, int(height)))
        driver.save_screenshot(screenshot)
finally:
    driver.quit()

print(json.dumps({"ok": not failures, "failures": failures, "rows": len(report["findings"])}))
