// A presque producer in TypeScript: `PRESQUE_URL=http://localhost:5000 node examples/producer.ts`.
// In your own project, import from "presque/sdk" instead of the source path.
import { createPresqueClient, defaultPresqueUrl } from "../src/sdk/index.ts";

const client = createPresqueClient({ baseUrl: defaultPresqueUrl() });
try {
  const { id } = await client.enqueue<{ to: string }>("emails", { to: "a@example.com" }, { priority: 5 });
  const { ids } = await client.enqueueBatch("emails", [{ to: "b@example.com" }, { to: "c@example.com" }]);
  // JSON text is stored byte for byte: big integers and 1.10 stay as written
  await client.enqueueJson("emails", '{"to": "d@example.com", "order": 12345678901234567890}');
  console.log(`enqueued ${id} and ${ids.join(", ")}`);
  const { job } = await client.queue.getJob({ queue: "emails", id });
  console.log(`job ${id} as stored: ${job?.payloadJson}`);
} finally {
  client.close();
}
