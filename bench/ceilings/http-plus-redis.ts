import { createServer } from "node:http";
import { Redis } from "ioredis";
import { listenAndAnnounce } from "./announce.ts";

/*
 * The REST ceiling with presque's I/O: a bare node:http server making one EVALSHA per request (an
 * id from a counter, the body stored in a hash, the id pushed on a list) on the bench's Redis
 * (REDIS_URL), answering 201 with the id. ioredis as presque configures it: no auto-pipelining.
 */

const script = `
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('RPUSH', KEYS[3], id)
return id`;
const keys = ["bench-ceiling:{q}:seq", "bench-ceiling:{q}:jobs", "bench-ceiling:{q}:ready"];

const redisUrl = process.env.REDIS_URL;
if (redisUrl === undefined) throw new Error("http-plus-redis needs REDIS_URL");
const redis = new Redis(redisUrl, { enableAutoPipelining: false });
const sha = (await redis.script("LOAD", script)) as string;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    redis.evalsha(sha, keys.length, ...keys, body).then(
      (id) => {
        const reply = `{"id":"${String(id)}","queue":"bench-rest"}`;
        res.writeHead(201, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(reply),
        });
        res.end(reply);
      },
      (error: Error) => {
        res.writeHead(503).end(error.message);
      },
    );
  });
});
listenAndAnnounce("http-plus-redis", server, async () => {
  await redis.del(...keys);
  redis.disconnect();
});
