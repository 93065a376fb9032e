import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { open } from "../auth/access.ts";
import { type RestRoute, route } from "../rest/router.ts";

const publicDir = new URL("./public/", import.meta.url);

const contentTypes: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  html: "text/html; charset=utf-8",
};

/**
 * The files the page may load, by URL name: everything in public/ plus uPlot's ESM build and CSS,
 * served straight from node_modules (no frontend build step). A fixed table, so no request path
 * ever reaches the file system.
 */
function assetTable(): Map<string, URL> {
  const table = new Map<string, URL>();
  for (const name of readdirSync(publicDir)) table.set(name, new URL(name, publicDir));
  table.set("vendor/uPlot.esm.js", new URL(import.meta.resolve("uplot/dist/uPlot.esm.js")));
  table.set("vendor/uPlot.min.css", new URL(import.meta.resolve("uplot/dist/uPlot.min.css")));
  return table;
}

/** GET /dashboard/<asset>: the dashboard's scripts and styles. */
export function dashboardAssetsRoutes(): RestRoute[] {
  const assets = assetTable();
  const cache = new Map<string, Buffer>();
  return [
    route("GET", "/dashboard/*", open, async ({ res, params }) => {
      const name = params[0] as string;
      const file = assets.get(name);
      if (file === undefined) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        res.end("no such dashboard file\n");
        return;
      }
      let body = cache.get(name);
      if (body === undefined) {
        body = await readFile(file);
        cache.set(name, body);
      }
      res.writeHead(200, {
        "content-type": contentTypes[name.split(".").pop() ?? ""] ?? "application/octet-stream",
        "content-length": body.length,
        "x-content-type-options": "nosniff",
        "cache-control": "no-cache",
      });
      res.end(body as unknown as string);
    }),
  ];
}
