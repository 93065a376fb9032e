import { readFileSync } from "node:fs";

/** presque's version, from the package.json it ships with (the one source of it). */
export function presqueVersion(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}
