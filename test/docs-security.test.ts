import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rpcAccess } from "../src/rpc/rpc-access.ts";
import { accessText } from "./support/access-text.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer();
const page = readFileSync(new URL("../docs/security.md", import.meta.url), "utf8");

describe("docs/security.md", () => {
  it("lists every REST route with the access it needs, as the route table declares it", () => {
    for (const route of presque.server.routes) {
      const row = `| \`${route.method} ${route.path}\` | ${accessText(route.access)} |`;
      expect(page, row).toContain(row);
    }
  });

  it("lists every RPC with the access it needs, as rpc-access.ts declares it", () => {
    for (const [procedure, rule] of Object.entries(rpcAccess)) {
      const row = `| \`${procedure}\` | ${accessText(rule.access)} |`;
      expect(page, row).toContain(row);
    }
  });
});
