import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url);
const folders = (dir: string): string[] =>
  readdirSync(new URL(dir, root), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [`${dir}${entry.name}/`, ...folders(`${dir}${entry.name}/`)]);

describe("docs/design.md", () => {
  it("its map names every folder under src/", () => {
    const design = readFileSync(new URL("docs/design.md", root), "utf8");
    const map = design.slice(design.indexOf("## The map"), design.indexOf("### The path of a request"));
    for (const folder of folders("src/")) {
      const name = folder.split("/").at(-2) as string;
      // top-level folders appear as src/<name>/, the ones inside them by their own name
      const nested = folder.split("/").length > 3;
      const mentioned = map.includes(folder) || (nested && map.includes(`${name}/`));
      expect(mentioned, folder).toBe(true);
    }
  });
});
