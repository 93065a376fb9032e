import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { toConnectError } from "../errors/error-table.ts";
import { PresqueError } from "../errors/presque-error.ts";

/**
 * Turns engine errors into Connect codes (through the one table) and logs the unexpected ones:
 * Connect itself hides any non-ConnectError as "internal" and logs nothing. A server stream's
 * errors surface while its messages are read, after the handler returned, so those messages are
 * wrapped too (as connect-es' examples-es/vanilla-node interceptor does).
 */
export function createErrorInterceptor(
  onUnexpected: (error: unknown, procedure: string) => void,
): Interceptor {
  const translate = (error: unknown, procedure: string) => {
    if (!(error instanceof ConnectError) && !(error instanceof PresqueError)) onUnexpected(error, procedure);
    return toConnectError(error);
  };
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      const messages = res.message;
      return {
        ...res,
        message: (async function* () {
          try {
            yield* messages;
          } catch (error) {
            throw translate(error, req.url);
          }
        })(),
      };
    } catch (error) {
      throw translate(error, req.url);
    }
  };
}
