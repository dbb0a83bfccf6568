// Starts a real Carespace server (embedded SQLite, temporary data directory, port 0) and a
// headless Chromium driven by Playwright, for the browser tests.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const require = createRequire(import.meta.url);

export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A loopback port free right now. */
async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `carespace serve` and resolves once it prints where it listens. With `publicHost`
 * (e.g. "localhost") the server listens on a free port picked here and its public URL is
 * `http://<publicHost>:<port>`, the `baseUrl` pages must then be opened at: WebAuthn refuses
 * an IP address as relying party, so passkeys need a name.
 */
export async function startServer({ publicHost } = {}) {
  const binary = process.env.CARESPACE_BIN ?? join(repo, "target", "debug", "carespace");
  const dataDir = mkdtempSync(join(tmpdir(), "carespace-browser-"));
  // The browser tests run on embedded SQLite, whatever the surrounding shell points at.
  const env = { ...process.env };
  delete env.DATABASE_URL;
  let listen = "127.0.0.1:0";
  let publicUrl;
  if (publicHost) {
    const port = await freePort();
    listen = `127.0.0.1:${port}`;
    publicUrl = `http://${publicHost}:${port}`;
    env.CARESPACE_WEB__PUBLIC_URL = publicUrl;
  }
  const child = spawn(binary, ["serve", "--demo", "--listen", listen, "--data-dir", dataDir], {
    cwd: dataDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.printed = "";
  child.stdout.on("data", (chunk) => (child.printed += chunk));
  const baseUrl = await new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 30_000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = stdout.match(/open (http:\/\/[\d.]+:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(publicUrl ?? match[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${stderr}`)));
  });
  return {
    baseUrl,
    // The demo prints the authenticator secret of its owner and staff member under their line.
    secrets: demoSecrets(child.printed),
    /** What the server has logged so far (the demo's text messages among it). */
    log: () => stderr,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Email address → base32 authenticator secret, from the demo's summary. */
function demoSecrets(printed) {
  const secrets = {};
  let email = null;
  for (const line of printed.split("\n")) {
    const person = line.match(/^\s+\w+\s+(\S+@\S+)\s+password:/);
    const secret = line.match(/authenticator app secret: ([A-Z2-7]+)/);
    if (person) email = person[1];
    else if (secret && email) secrets[email] = secret[1];
  }
  return secrets;
}

/** The six-digit code of an authenticator app (RFC 6238: HMAC-SHA1, 30-second steps). */
function totp(base32Secret, step) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32Secret.replace(/[\s=]/g, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac("sha1", key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

const lastStep = new Map();

/**
 * The code an app with this secret shows now, never one used before: a code is accepted once,
 * so a second login within the same 30 seconds waits for the next one.
 */
export async function authenticatorCode(base32Secret) {
  let step = Math.floor(Date.now() / 30_000);
  if (step <= (lastStep.get(base32Secret) ?? -1)) {
    step = lastStep.get(base32Secret) + 1;
    await new Promise((resolve) => setTimeout(resolve, step * 30_000 - Date.now() + 50));
  }
  lastStep.set(base32Secret, step);
  return totp(base32Secret, step);
}

export async function launchBrowser(extraFlags = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [...CHROMIUM_FLAGS, ...extraFlags],
  });
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core in the page (through the DevTools protocol, so the page's strict CSP stays on)
 * and returns the violations of impact serious or critical.
 */
export async function seriousAccessibilityViolations(page) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }),
  );
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * Opens the newest email in the dev inbox with this subject, sent to `to` when given (the
 * worker may need a moment to deliver it).
 */
export async function openMail(page, baseUrl, subject, to) {
  for (let i = 0; i < 40; i++) {
    await page.goto(baseUrl + "/dev/inbox");
    const items = page.locator("ul.inbox li", { hasText: to ?? "" });
    const link = items.getByRole("link", { name: subject, exact: true }).first();
    if (await link.count()) {
      await link.click();
      return;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no email "${subject}"${to ? ` to ${to}` : ""} in the dev inbox`);
}

/**
 * Logs in on the login page (in English or Dutch) and, for someone with an authenticator app
 * (`secret`), answers the second step with its code. The page is then wherever the login led.
 */
export async function logIn(page, baseUrl, person, secret) {
  await page.goto(baseUrl + "/login");
  await page.getByLabel(/^(Email address|E-mailadres)$/).fill(person.email);
  await page.getByLabel(/^(Password|Wachtwoord)$/).fill(person.password);
  await page.getByRole("button", { name: /^(Log in|Inloggen)$/ }).click();
  if (!secret) return;
  await page.waitForURL(/\/login\/second-step/);
  await page.getByLabel(/^Code$/).fill(await authenticatorCode(secret));
  await page.getByRole("button", { name: /^(Log in|Inloggen)$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/**
 * Sets up an authenticator app on "Two-step verification", as a person does with the key
 * shown as text; returns the secret.
 */
export async function setUpAuthenticator(page, baseUrl, password) {
  await page.goto(baseUrl + "/account/two-step");
  await page.locator('form[action="/account/two-step/app"]').getByLabel(/Current password|Huidig wachtwoord/).fill(password);
  await page.getByRole("button", { name: /Set up an authenticator app|Een authenticator-app instellen/ }).click();
  const secret = (await page.locator("code.secret").textContent()).replace(/\s/g, "");
  await page.getByLabel(/Code from the app|Code uit de app/).fill(await authenticatorCode(secret));
  await page.getByRole("button", { name: /Turn on two-step verification|Inloggen in twee stappen aanzetten/ }).click();
  await page.getByRole("heading", { name: /Your recovery codes|Je herstelcodes/ }).waitFor();
  return secret;
}
