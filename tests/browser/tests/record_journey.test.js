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

// A small PDF, written here.
const LETTER = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

async function phone(cspViolations) {
  const context = await browser.newContext({ locale: "nl-NL", viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  page.on("console", (m) => m.text().includes("Content Security Policy") && cspViolations.push(m.text()));
  return { context, page };
}

async function fitsTheScreen(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the page is ${width} px wide at 360 px`);
}

test("a client uploads a letter with progress, shares it with De Linde, the connected staff member opens it, and the client sees that in Who viewed my record", async () => {
  const cspViolations = [];
  const anna = await phone(cspViolations);
  await logIn(anna.page, server.baseUrl, ANNA);
  await anna.page.getByRole("link", { name: "Mijn dossier" }).first().click();
  await anna.page.getByRole("heading", { name: "Mijn dossier", level: 1 }).waitFor();
  // The demo's own entries are there: a shared letter and the events of her care.
  await anna.page.getByText("Verwijsbrief huisarts").first().waitFor();
  await anna.page.getByText("Lidmaatschap van De Linde begonnen").first().waitFor();
  assert.deepEqual(await seriousAccessibilityViolations(anna.page), []);
  await fitsTheScreen(anna.page);

  // The upload goes in the background (the script's progress bar), then the list shows it.
  const uploads = [];
  anna.page.on("request", (r) => r.url().endsWith("/record/documents") && uploads.push(r.resourceType()));
  const form = anna.page.locator('form[action="/record/documents"]');
  await form.getByLabel("Titel").fill("Brief van de cardioloog");
  await form.getByLabel("Bestand").setInputFiles({ name: "cardioloog.pdf", mimeType: "application/pdf", buffer: LETTER });
  await form.getByRole("button", { name: "Uploaden" }).click();
  await anna.page.waitForURL(server.baseUrl + "/record");
  assert.deepEqual(uploads, ["xhr"], "sent by the script, with progress");
  await anna.page.getByRole("link", { name: "Brief van de cardioloog" }).click();
  await anna.page.getByText("Privé: alleen jij ziet dit").first().waitFor();
  assert.deepEqual(await seriousAccessibilityViolations(anna.page), []);
  await fitsTheScreen(anna.page);
  await anna.page.getByRole("button", { name: "Delen met De Linde" }).click();
  await anna.page.getByText("Gedeeld met De Linde").first().waitFor();

  // Bram, connected to Anna, finds it on her page and opens it.
  const bram = await phone(cspViolations);
  await logIn(bram.page, server.baseUrl, BRAM, server.secrets[BRAM.email]);
  await bram.page.goto(server.baseUrl + "/h/de-linde/clients");
  await bram.page.getByRole("link", { name: "Anna de Vries" }).click();
  await bram.page.getByRole("heading", { name: "Gedeeld met deze Healthspace" }).waitFor();
  assert.deepEqual(await seriousAccessibilityViolations(bram.page), []);
  await fitsTheScreen(bram.page);
  const downloading = bram.page.waitForEvent("download");
  await bram.page.getByRole("link", { name: "Brief van de cardioloog" }).click();
  const download = await downloading;
  assert.equal(download.suggestedFilename(), "cardioloog.pdf");
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  assert.deepEqual(Buffer.concat(chunks), LETTER, "byte for byte");

  // Anna sees who looked.
  await anna.page.goto(server.baseUrl + "/record");
  await anna.page.getByRole("link", { name: "Wie heeft mijn dossier bekeken" }).click();
  const opened = anna.page.getByRole("row", { name: /Bram Visser.*Dossieritem geopend/ });
  await opened.first().waitFor();
  assert.deepEqual(await seriousAccessibilityViolations(anna.page), []);
  await fitsTheScreen(anna.page);
  assert.deepEqual(cspViolations, []);
  await anna.context.close();
  await bram.context.close();
});
