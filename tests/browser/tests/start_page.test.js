import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, seriousAccessibilityViolations } from "../harness.js";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh browser context that prefers `locale`, with CSP violations collected. */
async function openPage(locale, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ locale, viewport });
  const page = await context.newPage();
  const cspViolations = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) cspViolations.push(message.text());
  });
  return { context, page, cspViolations };
}

test("the start page opens and the language switch changes its text", async () => {
  const { context, page, cspViolations } = await openPage("nl-NL");
  await page.goto(server.baseUrl + "/");
  assert.equal(await page.getAttribute("html", "lang"), "nl");
  assert.match(await page.textContent("h1"), /Online zorg/);

  await page.getByRole("button", { name: "English" }).click();
  await page.waitForURL(server.baseUrl + "/");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.match(await page.textContent("h1"), /Online care/);

  // The choice sticks on other pages.
  await page.getByRole("link", { name: "Log in" }).first().click();
  assert.equal(await page.textContent("h1"), "Log in");

  await page.getByRole("button", { name: "Nederlands" }).click();
  await page.waitForURL(server.baseUrl + "/login");
  assert.equal(await page.textContent("h1"), "Inloggen");
  assert.deepEqual(cspViolations, []);
  await context.close();
});

test("the skip link is the first thing the keyboard reaches and leads to the content", async () => {
  const { context, page } = await openPage("en-GB");
  await page.goto(server.baseUrl + "/");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement.textContent.trim());
  assert.equal(focused, "Skip to main content");
  const visible = await page.locator(".skip-link").evaluate((el) => el.getBoundingClientRect().top >= 0);
  assert.ok(visible, "the focused skip link is on screen");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "main");
  await context.close();
});

for (const locale of ["nl-NL", "en-GB"]) {
  for (const path of ["/", "/login", "/register", "/password/forgot", "/privacy", "/h/de-linde", "/no/such/page"]) {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
      test(`${path} in ${locale} at ${viewport.width}px has no serious accessibility problems`, async () => {
        const { context, page, cspViolations } = await openPage(locale, viewport);
        await page.goto(server.baseUrl + path);
        assert.deepEqual(await seriousAccessibilityViolations(page), []);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
        assert.deepEqual(cspViolations, []);
        await context.close();
      });
    }
  }
}
