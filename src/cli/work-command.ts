import { parseArgs } from "node:util";
import { createJsonLogger } from "../log.ts";
import { createPresqueClient } from "../sdk/client.ts";
import { Worker } from "../sdk/worker.ts";
import { usageError } from "./cli-error.ts";
import { durationMs, parseCount } from "./cli-values.ts";
import { checkConsumeAccess } from "./consume-access.ts";
import { runJobProcess } from "./job-process.ts";
import { createRestClient } from "./rest-client.ts";
import { serverFlagOptions, serverFlagsUsage } from "./server-flags.ts";

const usage = `Usage: presque work --queue NAME [--queue NAME...] [options] -- <command> [args...]

Runs <command> once per job, so any program is a worker:
  stdin        the job's payload as JSON (one line)
  environment  PRESQUE_JOB_ID, PRESQUE_JOB_ATTEMPT, PRESQUE_QUEUE, PRESQUE_JOB_ENQUEUED_AT, PRESQUE_URL,
               TRACEPARENT (when the job was enqueued with a traceparent header)
  exit 0       acks the job; any other exit nacks it (it is retried) with the tail of stderr
SIGTERM or SIGINT stops taking jobs and waits for running ones (then exits 0).

Options:
  --queue NAME        queue to take jobs from; repeat for more, highest priority first
  --concurrency N     programs running at once (default 1)
  --prefetch N        jobs held at once, leased, at least N (default: the concurrency; more
                      saves a round trip per job for short programs, but keeps those jobs from
                      other workers while they wait)
  --timeout 60s       kill a program that runs longer, and nack its job (default: no limit)
  --lease 30s         lease per job, extended while the program runs (default 30s)
  --name NAME         name in the worker registry (GET /w/)
  -h, --help          this text
${serverFlagsUsage}
Example:
  presque work --queue emails -- sh -c 'jq -r .to | xargs -n1 ./send-welcome'
`;

export async function runWork(argv: string[]): Promise<void> {
  const split = argv.indexOf("--");
  const { values } = parseArgs({
    args: split === -1 ? argv : argv.slice(0, split),
    options: {
      queue: { type: "string", multiple: true },
      concurrency: { type: "string" },
      prefetch: { type: "string" },
      timeout: { type: "string" },
      lease: { type: "string" },
      name: { type: "string" },
      ...serverFlagOptions,
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void process.stdout.write(usage);
  const command = split === -1 ? [] : argv.slice(split + 1);
  if (command.length === 0) throw usageError(`name the program to run after --\n\n${usage}`);
  if (!values.queue?.length) throw usageError(`name at least one --queue\n\n${usage}`);
  const rest = createRestClient(values);
  const url = rest.baseUrl;
  const timeoutMs = values.timeout === undefined ? 0 : durationMs(values.timeout, "--timeout");
  const leaseMs = values.lease === undefined ? 30_000 : durationMs(values.lease, "--lease");

  // A missing key or scope is said once, now, instead of as retries in the worker's log forever.
  await checkConsumeAccess(rest, values.queue);
  const client = createPresqueClient({ baseUrl: url, apiKey: rest.apiKey, ca: rest.ca });
  const concurrency = values.concurrency === undefined ? 1 : parseCount(values.concurrency, "--concurrency");
  const prefetch = values.prefetch === undefined ? concurrency : parseCount(values.prefetch, "--prefetch");
  if (prefetch < concurrency) throw usageError(`--prefetch must be at least --concurrency (${concurrency})`);
  const worker = new Worker({
    client,
    queues: values.queue,
    concurrency,
    // a program per job is slow next to a round trip: hold no more than can run, by default
    prefetch,
    leaseSeconds: Math.max(1, Math.round(leaseMs / 1000)),
    name: values.name ?? `${command.join(" ").slice(0, 60)}`,
    log: createJsonLogger(),
    work: (job) => runJobProcess(command, job, { timeoutMs, env: { PRESQUE_URL: url } }),
  });
  try {
    await worker.run();
  } finally {
    client.close();
  }
}
