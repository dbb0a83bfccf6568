// A client adds a number for text messages (the demo writes them to its log instead of sending
// them) and then logs in with a code sent to it; every page on the way is accessible on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, seriousAccessibilityViolations, logIn, authenticatorCode } from "../harness.js";

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

const ANNA = { email: "anna@demo.carespace.nl", password: "demo lantern orbit meadow" };

/** The code of the newest text message the demo wrote to its log. */
async function lastTextedCode(page) {
  for (let i = 0; i < 40; i++) {
    const texts = server.log().split("\n").filter((line) => line.includes("not sent: demo"));
    const code = texts.at(-1)?.match(/\b(\d{6})\b/);
    if (code) return code[1];
    await page.waitForTimeout(100);
  }
  throw new Error("no text message in the server's log");
}

async function accessibleAndFits(page, what) {
  assert.deepEqual(await seriousAccessibilityViolations(page), [], what);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: no sideways scrolling (${overflow}px too wide)`);
}

test("a client adds a number for text messages and logs in with a code sent to it", async () => {
  const context = await browser.newContext({ locale: "nl-NL", viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await logIn(page, server.baseUrl, ANNA);
  await page.goto(server.baseUrl + "/account/two-step");
  await page.getByText("De zwakste keuze").waitFor();
  await accessibleAndFits(page, "two-step page");

  const sms = page.locator("section", { has: page.getByRole("heading", { name: "Sms", exact: true }) });
  await sms.getByLabel("Mobiel nummer").fill("06 12345678");
  await sms.getByLabel("Huidig wachtwoord").fill(ANNA.password);
  await sms.getByRole("button", { name: "Stuur een code naar dit nummer" }).click();
  await page.getByRole("heading", { name: "Kijk op je telefoon" }).waitFor();
  await page.getByText("+31612345678").waitFor();
  await accessibleAndFits(page, "confirming the number");
  await page.getByLabel("Code uit de sms").fill(await lastTextedCode(page));
  await page.getByRole("button", { name: "Nummer bevestigen" }).click();
  await page.getByRole("heading", { name: "Je herstelcodes" }).waitFor();

  // The next login sends a code at once.
  await context.clearCookies();
  await logIn(page, server.baseUrl, ANNA);
  await page.waitForURL(/\/login\/second-step/);
  await page.getByText("We hebben een code naar je telefoon gestuurd").waitFor();
  await accessibleAndFits(page, "second step by text message");
  await page.getByLabel(/^Code$/).fill(await lastTextedCode(page));
  await page.getByRole("button", { name: /^Inloggen$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  assert.equal(new URL(page.url()).pathname, "/account");
  await context.close();
});

// In English (Claire's language), on a phone: adding a number next to her app, and the second
// step remembering her browser, whose entry Active sessions then shows.
const CLAIRE = { email: "claire@demo.carespace.nl", password: ANNA.password };

test("an owner adds a number next to her app and has her browser remembered", async () => {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const secret = server.secrets[CLAIRE.email];
  await page.goto(server.baseUrl + "/login");
  await page.getByLabel("Email address").fill(CLAIRE.email);
  await page.getByLabel("Password").fill(CLAIRE.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/login\/second-step/);
  await page.getByLabel(/^Code$/).fill(await authenticatorCode(secret));
  await page.getByLabel("Remember this browser for 30 days").check();
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));

  await page.goto(server.baseUrl + "/account/sessions");
  await page.getByRole("heading", { name: "Remembered browsers" }).waitFor();
  await page.getByRole("button", { name: "Forget this browser" }).waitFor();
  await accessibleAndFits(page, "active sessions with a remembered browser");

  await page.goto(server.baseUrl + "/account/two-step");
  const sms = page.locator("section", { has: page.getByRole("heading", { name: "Text message (SMS)", exact: true }) });
  await sms.getByLabel("Mobile number").fill("+31 6 87654321");
  await sms.getByLabel("Current password").fill(CLAIRE.password);
  await sms.getByRole("button", { name: "Send a code to this number" }).click();
  await page.getByRole("heading", { name: "Check your phone" }).waitFor();
  await accessibleAndFits(page, "confirming the number (en)");
  await context.close();
});
