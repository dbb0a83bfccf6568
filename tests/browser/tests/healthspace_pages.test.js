import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, seriousAccessibilityViolations, logIn } from "../harness.js";

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

// The demo owner sees every page of the demo Healthspace, its management included.
const CLAIRE = { email: "claire@demo.carespace.nl", password: "demo lantern orbit meadow" };
const ANNA = { email: "anna@demo.carespace.nl", password: CLAIRE.password };
const PAGES = [
  "/h/de-linde",
  "/h/de-linde/members",
  "/h/de-linde/settings",
  "/h/de-linde/seats",
  "/h/de-linde/audit",
  "/account/memberships",
  "/account/connections",
  "/account/two-step",
  "/privacy",
];

for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
  test(`a Healthspace's pages at ${viewport.width}px are accessible and fit the screen`, async () => {
    const context = await browser.newContext({ locale: "nl-NL", viewport });
    const page = await context.newPage();
    const cspViolations = [];
    page.on("console", (m) => m.text().includes("Content Security Policy") && cspViolations.push(m.text()));
    await logIn(page, server.baseUrl, CLAIRE, server.secrets[CLAIRE.email]);
    await page.waitForURL(/\/account/);
    for (const path of PAGES) {
      const response = await page.goto(server.baseUrl + path);
      assert.equal(response.status(), 200, path);
      assert.deepEqual(await seriousAccessibilityViolations(page), [], path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path}: no sideways scrolling (${overflow}px too wide)`);
    }
    // Setting up an authenticator app: the QR code and the key fit the screen too. Claire has
    // hers already; Anna, a client, starts one (and leaves it unfinished, so that it does not
    // count). The pages speak the account's language (Anna's is Dutch).
    await context.clearCookies();
    await logIn(page, server.baseUrl, ANNA);
    await page.goto(server.baseUrl + "/account/two-step");
    await page.locator('form[action="/account/two-step/app"]').getByLabel(/Current password|Huidig wachtwoord/).fill(ANNA.password);
    await page.getByRole("button", { name: /Set up an authenticator app|Een authenticator-app instellen/ }).click();
    await page.waitForURL(/\/account\/two-step\/app$/);
    assert.equal(await page.getByRole("img", { name: /QR/ }).count(), 1);
    assert.deepEqual(await seriousAccessibilityViolations(page), [], "two-step setup");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `two-step setup: no sideways scrolling (${overflow}px too wide)`);
    assert.deepEqual(cspViolations, []);
    await context.close();
  });
}

// The demo staff member is connected to the demo client: "My clients" leads to her page.
const BRAM = { email: "bram@demo.carespace.nl", password: CLAIRE.password };

for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
  test(`a staff member's clients at ${viewport.width}px are accessible and lead to the client's page`, async () => {
    const context = await browser.newContext({ locale: "nl-NL", viewport });
    const page = await context.newPage();
    await logIn(page, server.baseUrl, BRAM, server.secrets[BRAM.email]);
    await page.goto(server.baseUrl + "/h/de-linde");
    await page.getByRole("link", { name: "De cliënten met wie je verbonden bent" }).click();
    await page.waitForURL(/\/h\/de-linde\/clients$/);
    assert.deepEqual(await seriousAccessibilityViolations(page), [], "/h/de-linde/clients");
    await page.getByRole("table").getByRole("link").first().click();
    await page.waitForURL(/\/h\/de-linde\/clients\/[0-9a-f-]+$/);
    assert.equal(await page.getByRole("heading", { level: 2, name: "Verbonden medewerkers" }).count(), 1);
    assert.deepEqual(await seriousAccessibilityViolations(page), [], "a client's page");
    for (const path of ["/h/de-linde/clients", page.url().replace(server.baseUrl, "")]) {
      await page.goto(server.baseUrl + path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path}: no sideways scrolling (${overflow}px too wide)`);
    }
    await context.close();
  });
}

// The login's second step, in both languages and on a phone: the password step only, so that
// no code is used up.
for (const locale of ["en-GB", "nl-NL"]) {
  test(`the login's second step is accessible at 360px (${locale})`, async () => {
    const context = await browser.newContext({ locale, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await logIn(page, server.baseUrl, BRAM);
    await page.waitForURL(/\/login\/second-step/);
    const heading = locale === "en-GB" ? "Two-step verification" : "Inloggen in twee stappen";
    assert.equal(await page.textContent("h1"), heading);
    assert.deepEqual(await seriousAccessibilityViolations(page), [], "second step");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `second step: no sideways scrolling (${overflow}px too wide)`);
    await context.close();
  });
}
