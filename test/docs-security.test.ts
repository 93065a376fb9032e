import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rpcAccess } from "../src/rpc/rpc-access.ts";
import { accessText } from "./support/access-text.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer();
const page = readFileSync(new URL("../docs/security.md", import.meta.url), "utf8");

/** A table row naming `key` and `access`, whatever the padding the formatter gives it. */
const rowOf = (key: string, access: string) => {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`\\|\\s*\`${literal(key)}\`\\s*\\|\\s*${literal(access)}\\s*\\|`);
};

describe("docs/security.md", () => {
  it("lists every REST route with the access it needs, as the route table declares it", () => {
    for (const route of presque.server.routes) {
      expect(page).toMatch(rowOf(`${route.method} ${route.path}`, accessText(route.access)));
    }
  });

  it("lists every RPC with the access it needs, as rpc-access.ts declares it", () => {
    for (const [procedure, rule] of Object.entries(rpcAccess)) {
      expect(page).toMatch(rowOf(procedure, accessText(rule.access)));
    }
  });
});
