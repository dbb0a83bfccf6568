import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, seriousAccessibilityViolations, openMail } from "../harness.js";

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

// A 2×2 PNG, drawn here rather than taken from anywhere.
const PHOTO = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4oREFRAwQCgAl3gUpEzqvXwAAAABJRU5ErkJggg==",
  "base64",
);

const EMAIL = "journey@example.nl";
const PASSWORD = "violet tram under the dunes";

async function logIn(page) {
  await page.goto(server.baseUrl + "/login");
  await page.getByLabel("Email address").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
}

test("a new user registers, confirms by email, changes language and photo, and ends another session", async () => {
  const laptop = await browser.newContext({ locale: "en-GB" });
  const page = await laptop.newPage();
  const cspViolations = [];
  page.on("console", (m) => m.text().includes("Content Security Policy") && cspViolations.push(m.text()));

  await page.goto(server.baseUrl + "/register");
  await page.getByLabel("Email address").fill(EMAIL);
  await page.getByLabel("Full name").fill("Journey Tester");
  await page.getByLabel("Date of birth").fill("1990-05-31");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  assert.equal(await page.textContent("h1"), "Check your email");

  await openMail(page, server.baseUrl, "Confirm your email address");
  await page.getByRole("link", { name: /\/verify-email\?token=/ }).click();
  // Only the registrant can confirm: the page asks for the account's password.
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Confirm email address" }).click();
  await page.getByText("This is not the password of this account.").first().waitFor();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm email address" }).click();
  assert.equal(await page.textContent("h1"), "Email address confirmed");

  await logIn(page);
  await page.waitForURL(server.baseUrl + "/account");
  assert.equal(await page.textContent("h1"), "My account");
  assert.deepEqual(await seriousAccessibilityViolations(page), []);

  await page.getByLabel("Language").selectOption("nl");
  await page.getByRole("region", { name: "Personal details" }).getByRole("button", { name: "Save" }).click();
  assert.equal(await page.textContent("h1"), "Mijn account");
  assert.equal(await page.getAttribute("html", "lang"), "nl");

  await page.getByLabel("Kies een foto").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: PHOTO });
  await page.getByRole("button", { name: "Foto uploaden" }).click();
  await page.getByText("Je foto is bijgewerkt.").waitFor();
  const photoWidth = await page.locator("img.profile-photo").evaluate(async (img) => {
    await img.decode();
    return img.naturalWidth;
  });
  assert.equal(photoWidth, 2);

  // The same person on a phone.
  const phone = await browser.newContext({ locale: "en-GB", viewport: { width: 360, height: 740 } });
  const phonePage = await phone.newPage();
  await logIn(phonePage);
  await phonePage.waitForURL(server.baseUrl + "/account");

  await page.goto(server.baseUrl + "/account/sessions");
  assert.equal(await page.locator(".session").count(), 2);
  assert.equal(await page.locator(".session.current").count(), 1);
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  await page.getByRole("button", { name: "Deze sessie beëindigen" }).click();
  await page.getByText("Er is één sessie beëindigd.").waitFor();
  assert.equal(await page.locator(".session").count(), 1);

  await phonePage.goto(server.baseUrl + "/account");
  assert.match(phonePage.url(), /\/login\?next=%2Faccount$/);
  assert.deepEqual(cspViolations, []);
  await phone.close();
  await laptop.close();
});
