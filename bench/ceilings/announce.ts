import type { Server } from "node:net";

/**
 * Listens on a free port of 127.0.0.1 and prints the line the bench waits for
 * ("NAME listening on http://127.0.0.1:PORT"); SIGTERM ends the process.
 */
export function listenAndAnnounce(
  name: string,
  server: Server,
  onStop: () => Promise<void> = async () => {},
) {
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    process.stderr.write(`${name} listening on http://127.0.0.1:${port}\n`);
  });
  process.once("SIGTERM", () => {
    server.close();
    void onStop().finally(() => process.exit(0));
  });
}
