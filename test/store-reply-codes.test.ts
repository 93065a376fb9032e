import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { replyCodes } from "../src/engine/store/reply-codes.ts";
import { readScripts } from "../src/engine/store/script-loader.ts";

const luaDir = new URL("../src/engine/store/lua/", import.meta.url);
const sources = [
  ...readdirSync(luaDir).filter((file) => file.endsWith(".lua")),
  ...readdirSync(new URL("includes/", luaDir)).map((file) => `includes/${file}`),
].map((file) => ({ file, lua: readFileSync(new URL(file, luaDir), "utf8") }));

describe("Lua reply codes", () => {
  it("every script starts with the one reply-code table", () => {
    for (const script of readScripts()) {
      expect(script.lua.startsWith("local R = { ok = 'ok', notFound = 'not_found',")).toBe(true);
    }
  });

  it("every R.<code> a script uses is in the table (a typo would reply nil)", () => {
    const used = new Set(sources.flatMap(({ lua }) => [...lua.matchAll(/\bR\.(\w+)/g)].map((m) => m[1])));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(Object.keys(replyCodes)).toContain(name);
  });

  it("no script compares a lease check with a bare number", () => {
    for (const { file, lua } of sources) {
      expect(lua, file).not.toMatch(/checkLease\([^)]*\)\s*[=~]=\s*-?\d/);
      expect(lua, file).not.toMatch(/status\s*[=~]=\s*-?\d/);
    }
  });
});
