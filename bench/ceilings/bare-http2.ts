import { createServer } from "node:http2";
import { listenAndAnnounce } from "./announce.ts";

/*
 * The HTTP/2 ceiling: a bare node:http2 server (h2c) answering every stream as a Connect unary
 * call succeeds (the body read to its end, 200 with a small JSON body), with nothing behind it.
 */

const reply = JSON.stringify({ id: "1" });
const headers = { ":status": 200, "content-type": "application/json" };

const server = createServer();
server.on("stream", (stream) => {
  stream.resume();
  stream.on("end", () => {
    stream.respond(headers);
    stream.end(reply);
  });
});
listenAndAnnounce("bare-http2", server);
