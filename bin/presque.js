#!/usr/bin/env node
// The `presque` command. Installed from npm it runs the JavaScript built into dist/ (npm run build), on
// the Node versions package.json's "engines" names. In a clone it runs the TypeScript sources, which
// needs Node 22.18 or later (Node strips the types itself from then on).
import { existsSync, readFileSync } from "node:fs";

const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const sources = new URL("../src/cli/main.ts", import.meta.url);
const built = new URL("../dist/src/cli/main.js", import.meta.url);
// In a clone: what to do about a Node too old for the sources.
const cloneHint = existsSync(new URL("../node_modules/.bin/node", import.meta.url))
  ? "`npx presque ...` and `npm start` run presque on the Node 24 that `npm ci` put in node_modules.\n"
  : "This clone's node_modules has no Node of its own (installed with `npm ci --omit=dev`?):\n" +
    "`npm ci` with the devDependencies installs Node 24 there, and `npx presque` and `npm start` use it.\n" +
    "Or install Node.js 22.18 or later.\n";

const minimum = packageJson.engines.node.replace(/^>=\s*/, "");
if (existsSync(sources) && (atLeast("22.18") || !existsSync(built))) {
  if (!atLeast("22.18")) {
    fail(
      `presque runs from its TypeScript sources here, which needs Node.js 22.18 or later (this is ${process.version}).\n` +
        cloneHint,
    );
  }
  await import(sources.href);
} else if (!existsSync(built)) {
  fail("presque's built files (dist/) are missing: reinstall the package.\n");
} else if (!atLeast(minimum)) {
  fail(
    `presque needs Node.js ${minimum} or later (this is ${process.version}).\n` +
      (existsSync(sources) ? cloneHint : ""),
  );
} else {
  await import(built.href);
}

/** Is this Node at least `version` ("22" or "22.18")? */
function atLeast(version) {
  const want = version.split(".").map(Number);
  const have = process.versions.node.split(".").map(Number);
  for (let i = 0; i < want.length; i++) {
    if (have[i] !== want[i]) return have[i] > want[i];
  }
  return true;
}

function fail(message) {
  process.stderr.write(message);
  process.exit(1);
}
