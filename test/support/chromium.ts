import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Debian's chromium (apt-get install chromium; .ci/run installs it), or CHROMIUM_PATH. */
export const chromiumPath = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
].find((path): path is string => path !== undefined && path !== "" && existsSync(path));

/**
 * Without the networking flags Chromium phones home (updates, sync, QUIC probes), which floods a
 * closed network with connection attempts. Headless and sandbox flags make it run as root in CI.
 */
const quietFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A real Chromium with a fresh profile in a temp dir (playwright's launchPersistentContext). */
export async function launchChromium(executablePath: string): Promise<Chromium> {
  const profile = await mkdtemp(join(tmpdir(), "presque-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: quietFlags,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
