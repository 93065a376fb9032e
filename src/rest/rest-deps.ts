import type { Engine } from "../engine/engine.ts";
import type { Response } from "./http-io.ts";

/** What every REST route file is built from. */
export interface RestDeps {
  engine: Engine;
  maxBodyBytes: number;
  maxBatchSize: number;
  /** limits.max_payload_depth: jobs nested deeper are refused (RPC clients could not decode them). */
  maxPayloadDepth: number;
  /** Aborted when the server shuts down, so long polls end at once. */
  shutdownSignal: AbortSignal;
}

/**
 * Aborts when the client goes away or the server shuts down: ends a long poll early. It listens
 * on the response: a request's own "close" fires as soon as its body has been read.
 */
export function requestSignal(res: Response, shutdown: AbortSignal): AbortSignal {
  const gone = new AbortController();
  res.once("close", () => gone.abort());
  return AbortSignal.any([gone.signal, shutdown]);
}
