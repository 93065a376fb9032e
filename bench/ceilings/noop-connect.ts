import { createServer } from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { QueueService } from "../../gen/presque/v1/queue_service_pb.ts";
import { listenAndAnnounce } from "./announce.ts";

/*
 * The Connect ceiling: connect-es serving presque's QueueService over h2c, its Enqueue answering
 * {id: "1"} at once. What presque's RPC Enqueue costs above this is presque's own.
 */

const handler = connectNodeAdapter({
  routes: (router) => {
    router.service(QueueService, { enqueue: () => ({ id: "1" }) });
  },
});
listenAndAnnounce("noop-connect", createServer(handler));
