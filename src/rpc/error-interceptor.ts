import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { toConnectError } from "../errors/error-table.ts";
import { logSeverity } from "../errors/log-severity.ts";
import { mapStream } from "./map-stream.ts";

const same = <T>(message: T) => message;

type OnUnexpected = (error: unknown, procedure: string) => void;
interface Call {
  signal: AbortSignal;
  url: string;
}

/**
 * The one place RPC errors are mapped: engine errors become Connect codes (through the one
 * table) and the unexpected ones are logged, since Connect itself hides any non-ConnectError as
 * "internal" and logs nothing. Services throw what they get and never map. A server stream's
 * errors surface while its messages are read, after the handler returned, so those messages are
 * wrapped too (as connect-es' examples-es/vanilla-node interceptor does, with map-stream.ts in
 * place of its async generator).
 */
export function createErrorInterceptor(onUnexpected: OnUnexpected): Interceptor {
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      const rethrow = (error: unknown): never => {
        throw translate(error, req, onUnexpected);
      };
      return { ...res, message: mapStream(res.message, same, rethrow) };
    } catch (error) {
      throw translate(error, req, onUnexpected);
    }
  };
}

function translate(error: unknown, req: Call, onUnexpected: OnUnexpected): ConnectError {
  // A call ended by its own signal (client gone, deadline, shutdown) throws the signal's
  // reason: the end of the call, not a fault. A client's plain abort carries no code.
  if (req.signal.aborted && error === req.signal.reason) {
    return error instanceof ConnectError ? error : new ConnectError("the call was cancelled", Code.Canceled);
  }
  // Only bugs: Redis being away is a 503 the outage warnings already explain, and anything
  // thrown after the call's signal fired is the end of the call, not a fault.
  if (!(error instanceof ConnectError) && logSeverity(error) === "error" && !req.signal.aborted) {
    onUnexpected(error, req.url);
  }
  return toConnectError(error);
}
