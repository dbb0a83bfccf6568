import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, seriousAccessibilityViolations } from "../harness.js";

// Passkeys need the site reached at a name (WebAuthn refuses IP addresses): the server's
// public URL is http://localhost:<port>, and the browser resolves localhost to the loopback
// address the server listens on.
let server;
let browser;

before(async () => {
  server = await startServer({ publicHost: "localhost" });
  browser = await launchBrowser(["--host-resolver-rules=MAP localhost 127.0.0.1"]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Anna, the demo's client, has no second factor yet.
const EMAIL = "anna@demo.carespace.nl";
const PASSWORD = "demo lantern orbit meadow";

/** A phone-sized page whose browser has a passkey authenticator with fingerprint reader. */
async function phoneWithAuthenticator(locale) {
  const context = await browser.newContext({ locale, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const cspViolations = [];
  page.on("console", (m) => m.text().includes("Content Security Policy") && cspViolations.push(m.text()));
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return { context, page, cdp, authenticatorId, cspViolations };
}

async function assertAccessible(page) {
  assert.deepEqual(await seriousAccessibilityViolations(page), [], page.url());
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, `${page.url()} fits 360 px`);
}

test("a passkey is registered, then logs in as the second step and alone", async () => {
  const { context, page, cdp, authenticatorId, cspViolations } = await phoneWithAuthenticator("nl-NL");

  await page.goto(server.baseUrl + "/login");
  await page.getByLabel("E-mailadres").fill(EMAIL);
  await page.getByLabel("Wachtwoord").fill(PASSWORD);
  await page.getByRole("button", { name: "Inloggen", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));

  await page.goto(server.baseUrl + "/account/two-step");
  await assertAccessible(page);
  await page.getByRole("link", { name: "Passkey toevoegen" }).click();
  assert.equal(await page.textContent("h1"), "Passkey toevoegen");
  await assertAccessible(page);
  await page.getByLabel("Naam van de passkey").fill("Telefoon");
  await page.getByLabel("Huidig wachtwoord").fill(PASSWORD);
  await page.getByRole("button", { name: "Passkey maken" }).click();
  // Her first second factor: recovery codes come with it, shown once.
  await page.getByText("De passkey is toegevoegd, en daarmee staat inloggen in twee stappen aan.").waitFor();
  assert.equal(await page.locator("ul.recovery-codes li").count(), 10);
  await assertAccessible(page);
  await page.getByRole("link", { name: "Ik heb ze bewaard" }).click();
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true, "a discoverable passkey");

  await page.getByRole("link", { name: "Telefoon" }).click();
  assert.equal(await page.textContent("h1"), "Telefoon");
  await assertAccessible(page);

  // The password, then the passkey as the second step.
  await page.getByRole("button", { name: "Uitloggen" }).click();
  await page.goto(server.baseUrl + "/login");
  await page.getByLabel("E-mailadres").fill(EMAIL);
  await page.getByLabel("Wachtwoord").fill(PASSWORD);
  await page.getByRole("button", { name: "Inloggen", exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/login/second-step");
  await assertAccessible(page);
  await page.getByRole("button", { name: "Passkey gebruiken" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto(server.baseUrl + "/account/two-step");
  assert.equal(await page.textContent("h1"), "Inloggen in twee stappen");

  // The passkey alone, from the login page.
  await page.getByRole("button", { name: "Uitloggen" }).click();
  await page.goto(server.baseUrl + "/login");
  await assertAccessible(page);
  await page.getByRole("button", { name: "Inloggen met een passkey" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto(server.baseUrl + "/account/two-step");
  assert.equal(await page.textContent("h1"), "Inloggen in twee stappen");

  // The same pages in English.
  await page.goto(server.baseUrl + "/account");
  await page.getByLabel("Taal").selectOption("en");
  await page.getByRole("region", { name: "Persoonlijke gegevens" }).getByRole("button", { name: "Opslaan" }).click();
  await page.goto(server.baseUrl + "/account/two-step");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await assertAccessible(page);
  await page.getByRole("link", { name: "Add a passkey" }).click();
  await assertAccessible(page);
  await page.goto(server.baseUrl + "/account/two-step");
  await page.getByRole("link", { name: "Telefoon" }).click();
  await assertAccessible(page);
  await page.getByRole("button", { name: "Log out" }).click();
  await page.goto(server.baseUrl + "/login");
  if ((await page.getAttribute("html", "lang")) !== "en") {
    await page.getByRole("button", { name: "English" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
  }
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await assertAccessible(page);
  await page.getByRole("button", { name: "Log in with a passkey" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));

  assert.deepEqual(cspViolations, []);
  await context.close();
});
