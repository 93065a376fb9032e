import { createServer } from "node:http";
import { listenAndAnnounce } from "./announce.ts";

/*
 * The REST ceiling: a bare node:http server answering every POST as presque's POST /q/:queue does
 * (the body read to its end, 201 with a small JSON body), with no queue behind it.
 */

const reply = JSON.stringify({ id: "1700000000000-0000000001", queue: "bench-rest" });
const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(reply) };

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(201, headers);
    res.end(reply);
  });
});
listenAndAnnounce("bare-http", server);
