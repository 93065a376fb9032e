import { readFileSync } from "node:fs";
import { open } from "../auth/access.ts";
import { contentSecurityPolicy } from "../dashboard/content-security-policy.ts";
import { type RestRoute, route } from "./router.ts";

const page = readFileSync(new URL("../dashboard/public/index.html", import.meta.url), "utf8");

/** GET /: the live dashboard (src/dashboard/public), under a strict Content-Security-Policy. */
export function indexPageRoutes(): RestRoute[] {
  return [
    route("GET", "/", open, ({ res }) => {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-length": Buffer.byteLength(page),
        "content-security-policy": contentSecurityPolicy,
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "cache-control": "no-cache",
      });
      res.end(page);
    }),
  ];
}
