#!/usr/bin/env node
// presque runs its TypeScript sources directly: Node strips the types itself from 22.18 on.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `presque needs Node.js 22.18 or later (this is ${process.version}).\n` +
      "In a clone of presque, run it as `npx presque ...` or `npm start`: both use the Node 24\n" +
      "that `npm ci` installs into node_modules.\n",
  );
  process.exit(1);
}
await import("../src/cli/main.ts");
