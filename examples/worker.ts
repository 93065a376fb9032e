// A presque worker in TypeScript: `PRESQUE_URL=http://localhost:5000 node examples/worker.ts`.
// In your own project, import from "presque/sdk" instead of the source path.
import { Worker } from "../src/sdk/index.ts";

const worker = new Worker<{ to: string }>({
  queues: ["emails"],
  concurrency: 4,
  async work(job) {
    console.log(`sending mail to ${job.payload.to} (job ${job.id}, attempt ${job.attempt})`);
  },
});
await worker.run(); // until SIGTERM or SIGINT: then running jobs finish, and it exits
