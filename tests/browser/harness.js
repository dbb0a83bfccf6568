// Starts a real Carespace server (embedded SQLite, temporary data directory, port 0) and a
// headless Chromium driven by Playwright, for the browser tests.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
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
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
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
