import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { toConnectError } from "../errors/error-table.ts";
import { PresqueError } from "../errors/presque-error.ts";

/**
 * Turns engine errors into Connect codes (through the one table) and logs the unexpected ones:
 * Connect itself hides any non-ConnectError as "internal" and logs nothing.
 */
export function createErrorInterceptor(
  onUnexpected: (error: unknown, procedure: string) => void,
): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (error) {
      if (!(error instanceof ConnectError) && !(error instanceof PresqueError)) onUnexpected(error, req.url);
      throw toConnectError(error);
    }
  };
}
