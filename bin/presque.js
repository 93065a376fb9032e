#!/usr/bin/env node
// The `presque` command. Installed from npm it runs the JavaScript built into dist/ (npm run build), on
// the Node versions package.json's "engines" names. In a clone it runs the TypeScript sources, which
// needs Node 22.18 or later (Node strips the types itself from then on).
import { existsSync, readFileSync } from "node:fs";

const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const sources = new URL("../src/cli/main.ts", import.meta.url);
const built = new URL("../dist/src/cli/main.js", import.meta.url);
const cloneHint =
  "In a clone of presque, `npm ci` (with its devDependencies) installs Node 24 into node_modules:\n" +
  "run presque as `npx presque ...` or `npm start`, which use it.\n";

if (!atLeast(packageJson.engines.node.replace(/^>=\s*/, ""))) {
  fail(
    `presque needs Node.js ${packageJson.engines.node} (this is ${process.version}).\n` +
      (existsSync(sources) ? cloneHint : ""),
  );
} else if (existsSync(sources) && atLeast("22.18")) {
  await import(sources.href);
} else if (existsSync(built)) {
  await import(built.href);
} else if (existsSync(sources)) {
  fail(
    `presque runs from its TypeScript sources here, which needs Node.js 22.18 or later (this is ${process.version}).\n` +
      cloneHint +
      "Or build it once (npm run build, which needs the devDependencies) and this Node runs dist/.\n",
  );
} else {
  fail("presque's built files (dist/) are missing: reinstall the package.\n");
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
