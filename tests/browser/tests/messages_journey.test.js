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

const ANNA = { email: "anna@demo.carespace.nl", password: "demo lantern orbit meadow" };
const BRAM = { email: "bram@demo.carespace.nl", password: "demo lantern orbit meadow" };

async function person(viewport, cspViolations) {
  const context = await browser.newContext({ locale: "nl-NL", viewport });
  const page = await context.newPage();
  page.on("console", (m) => m.text().includes("Content Security Policy") && cspViolations.push(m.text()));
  return { context, page };
}

async function fits(page, width) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= width, `the page is ${scroll} px wide at ${width} px`);
}

async function accessible(page, width) {
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  await fits(page, width);
}

test("a message typed by the staff member appears at once in the client's open conversation, and her badge counts it on other pages", async () => {
  const cspViolations = [];
  const anna = await person({ width: 360, height: 740 }, cspViolations);
  const bram = await person({ width: 1280, height: 800 }, cspViolations);
  await logIn(anna.page, server.baseUrl, ANNA);
  await logIn(bram.page, server.baseUrl, BRAM, server.secrets[BRAM.email]);

  // The demo's conversation: Bram welcomed Anna, she answered.
  await anna.page.getByRole("link", { name: /^Berichten/ }).first().click();
  await anna.page.getByRole("heading", { name: "Berichten", level: 1 }).waitFor();
  await accessible(anna.page, 360);
  await anna.page.getByRole("link", { name: "Bram Visser" }).click();
  await anna.page.getByText("Welkom bij De Linde, Anna.").waitFor();
  await accessible(anna.page, 360);

  await bram.page.goto(server.baseUrl + "/messages");
  await accessible(bram.page, 1280);
  await bram.page.getByRole("link", { name: "Anna de Vries" }).click();
  await accessible(bram.page, 1280);

  // Bram writes; Anna's open page shows it without a reload, within a second.
  const marker = "Zullen we dinsdag om 11:00 doen? " + Date.now();
  const before = await anna.page.evaluate(() => performance.timeOrigin);
  await bram.page.getByRole("textbox", { name: "Bericht" }).fill(marker);
  await bram.page.getByRole("button", { name: "Versturen" }).click();
  await bram.page.getByText(marker).waitFor();
  await anna.page.getByText(marker).waitFor({ timeout: 1000 });
  assert.equal(await anna.page.evaluate(() => performance.timeOrigin), before, "no reload");

  // On another page, Anna's badge counts the next one as it comes.
  await anna.page.goto(server.baseUrl + "/record");
  const badge = anna.page.locator("[data-unread-total]");
  assert.equal(await badge.isHidden(), true, "everything read");
  await bram.page.getByRole("textbox", { name: "Bericht" }).fill("En neem je slaapdagboek mee.");
  await bram.page.getByRole("button", { name: "Versturen" }).click();
  await anna.page.waitForFunction(
    () => document.querySelector("[data-unread-total]")?.textContent.trim() === "1",
    null,
    { timeout: 1000 },
  );
  assert.equal(await badge.isVisible(), true);

  // Anna answers from her phone; the page keeps working without the script's help too.
  await anna.page.goto(server.baseUrl + "/messages");
  await anna.page.getByRole("link", { name: "Bram Visser" }).click();
  await anna.page.getByRole("textbox", { name: "Bericht" }).fill("Prima, tot dinsdag!");
  await anna.page.getByRole("button", { name: "Versturen" }).click();
  await anna.page.getByText("Prima, tot dinsdag!").waitFor();
  await bram.page.getByText("Prima, tot dinsdag!").waitFor({ timeout: 1000 });
  await accessible(anna.page, 360);

  // The same pages in English.
  await anna.page.goto(server.baseUrl + "/account");
  await anna.page.getByLabel("Taal").selectOption("en");
  await anna.page.getByRole("region", { name: "Persoonlijke gegevens" }).getByRole("button", { name: "Opslaan" }).click();
  for (const path of ["/messages", "/messages/new"]) {
    await anna.page.goto(server.baseUrl + path);
    assert.equal(await anna.page.getAttribute("html", "lang"), "en");
    await accessible(anna.page, 360);
  }
  await anna.page.goto(server.baseUrl + "/messages");
  await anna.page.getByRole("link", { name: "Bram Visser" }).click();
  await anna.page.getByRole("button", { name: "Send" }).waitFor();
  await accessible(anna.page, 360);

  assert.deepEqual(cspViolations, []);
  await anna.context.close();
  await bram.context.close();
});
