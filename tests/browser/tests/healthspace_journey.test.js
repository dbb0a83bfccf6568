import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  launchBrowser,
  seriousAccessibilityViolations,
  openMail,
  logIn,
  setUpAuthenticator,
} from "../harness.js";

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
const LOGO = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4oREFRAwQCgAl3gUpEzqvXwAAAABJRU5ErkJggg==",
  "base64",
);
const CLAIRE = { email: "claire@demo.carespace.nl", password: "demo lantern orbit meadow" };
const SANNE = {
  email: "sanne@example.nl",
  name: "Sanne de Vries",
  password: "copper kite over the polder",
  staff: true,
};
const TOM = {
  email: "tom@example.nl",
  name: "Tom Bakker",
  password: "seven herons fishing at dawn",
  birthDate: "1985-03-14",
  byLink: true,
};
const INVITED = "Je bent uitgenodigd voor een Healthspace";

async function newPage(cspViolations) {
  const context = await browser.newContext({ locale: "en-GB" });
  const page = await context.newPage();
  page.on("console", (m) => m.text().includes("Content Security Policy") && cspViolations.push(m.text()));
  return { context, page };
}

/** The section of the page under the heading `name`. */
function section(page, name) {
  return page.locator("section", { has: page.getByRole("heading", { name, exact: true }) });
}

/** An invited person registers, confirms their address, logs in and accepts the invitation. */
async function joins(person, cspViolations) {
  const { context, page } = await newPage(cspViolations);
  await page.goto(server.baseUrl + "/register");
  await page.getByLabel("Email address").fill(person.email);
  await page.getByLabel("Full name").fill(person.name);
  await page.getByLabel("Date of birth").fill(person.birthDate ?? "1992-08-01");
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await openMail(page, server.baseUrl, "Confirm your email address", person.email);
  await page.getByRole("link", { name: /\/verify-email\?token=/ }).click();
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Confirm email address" }).click();
  // The invitation is waiting for them after login; one accepts it there, the other by the
  // emailed link.
  await logIn(page, server.baseUrl, person);
  await page.waitForURL(server.baseUrl + "/account/memberships");
  if (person.byLink) {
    await openMail(page, server.baseUrl, INVITED, person.email);
    await page.getByRole("link", { name: /\/invitations\/accept\?token=/ }).click();
  }
  if (person.birthDate) await page.getByLabel("Date of birth").fill(person.birthDate);
  await page.getByRole("button", { name: /^Accept invitation/ }).click();
  if (person.staff) {
    // Staff see clients' data: they set up two-step verification before they get in.
    await page.waitForURL(server.baseUrl + "/account/two-step");
    await page.getByText("set up two-step verification to continue").waitFor();
    assert.deepEqual(await seriousAccessibilityViolations(page), [], "two-step required");
    await setUpAuthenticator(page, server.baseUrl, person.password);
    await page.goto(server.baseUrl + "/h/linde-jeugd");
  }
  await page.waitForURL(server.baseUrl + "/h/linde-jeugd");
  return { context, page };
}

test("an owner opens and brands a Healthspace, people join and connect, and the client leaves", async () => {
  const cspViolations = [];
  const owner = await newPage(cspViolations);
  const page = owner.page;
  await logIn(page, server.baseUrl, CLAIRE, server.secrets[CLAIRE.email]);
  await page.getByRole("link", { name: "My organisation" }).click();

  // Create and activate the Healthspace.
  await page.getByLabel("Name of the Healthspace").fill("Linde Jeugd");
  await page.getByLabel("Alias (web address)").fill("linde-jeugd");
  await page.getByRole("button", { name: "Create Healthspace" }).click();
  await page.getByRole("button", { name: "Activate Linde Jeugd" }).click();
  await page.getByText("The Healthspace is active").waitFor();

  // Brand it.
  await page.goto(server.baseUrl + "/h/linde-jeugd/settings");
  await page.getByLabel("Address").fill("Lindelaan 3\n3512 AB Utrecht");
  await page.getByLabel("Welcome text").fill("<p>Welkom bij <strong>Linde Jeugd</strong>.</p>");
  await page.getByLabel("Opening hours").fill("Mon–Fri 9:00–17:00");
  await page.getByLabel("Use our own colours").check();
  await page.getByLabel("Brand colour", { exact: true }).fill("#1d5e3a");
  await page.getByLabel("Text on the brand colour").fill("#ffffff");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText("The settings have been saved.").waitFor();
  await page.getByLabel("Logo image").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: LOGO });
  await page.getByRole("button", { name: "Upload logo" }).click();
  await page.getByText("The logo has been changed.").waitFor();
  assert.deepEqual(await seriousAccessibilityViolations(page), []);

  // Anyone sees the branded login page.
  const visitor = await newPage(cspViolations);
  await visitor.page.goto(server.baseUrl + "/h/linde-jeugd");
  assert.equal(await visitor.page.textContent("h1"), "Linde Jeugd");
  await visitor.page.getByText("Lindelaan 3").waitFor();
  assert.equal(await visitor.page.getByRole("img", { name: "Logo of Linde Jeugd" }).count(), 1);
  const header = await visitor.page.locator(".site-header").evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(header, "rgb(29, 94, 58)");
  assert.deepEqual(await seriousAccessibilityViolations(visitor.page), []);
  await visitor.context.close();

  // Invite a staff member and a client (with a date of birth to check).
  await page.goto(server.baseUrl + "/h/linde-jeugd/members");
  const invite = section(page, "Invite someone");
  await invite.getByLabel("Email address").fill(SANNE.email);
  await invite.getByLabel("Role").selectOption("staff");
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await page.getByText("The invitation has been sent.").waitFor();
  await invite.getByLabel("Email address").fill(TOM.email);
  await invite.getByLabel("Role").selectOption("client");
  await invite.getByLabel("Their date of birth (required for a client)").fill(TOM.birthDate);
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await page.getByText("The invitation has been sent.").waitFor();

  const sanne = await joins(SANNE, cspViolations);
  const tom = await joins(TOM, cspViolations);
  await tom.page.getByText("You are here as: Client").waitFor();
  await tom.page.getByText("Linde Jeugd.").waitFor();
  assert.deepEqual(await seriousAccessibilityViolations(tom.page), []);

  // The owner connects them.
  await page.goto(server.baseUrl + "/h/linde-jeugd/members");
  const connect = section(page, "Connect a staff member to a client");
  await connect.getByLabel("Email address of the staff member").fill(SANNE.email);
  await connect.getByLabel("Email address of the client").fill(TOM.email);
  await connect.getByRole("button", { name: "Connect" }).click();
  await page.getByText("They are connected.").waitFor();

  // The client sees who is connected, then cancels the membership.
  await tom.page.goto(server.baseUrl + "/account/connections");
  await tom.page.getByRole("cell", { name: SANNE.name }).waitFor();
  await tom.page.goto(server.baseUrl + "/account/memberships");
  await tom.page.getByRole("link", { name: "Cancel membership Linde Jeugd" }).click();
  await tom.page.getByRole("button", { name: "Yes, cancel my membership" }).click();
  await tom.page.getByText("Your membership has been cancelled.").waitFor();
  await tom.page.goto(server.baseUrl + "/account/connections");
  await tom.page.getByText("No one is connected to you.").waitFor();

  // The owner's audit log tells the story.
  await page.goto(server.baseUrl + "/h/linde-jeugd/audit");
  await page.getByRole("cell", { name: "Membership cancelled" }).waitFor();
  await page.getByRole("cell", { name: "Staff member connected to client" }).waitFor();
  assert.deepEqual(await seriousAccessibilityViolations(page), []);

  assert.deepEqual(cspViolations, []);
  await sanne.context.close();
  await tom.context.close();
  await owner.context.close();
});
