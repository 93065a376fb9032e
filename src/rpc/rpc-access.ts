import { type Access, anyKey, onQueue, onSomeQueue, open } from "../auth/access.ts";

/** What an RPC needs, and which queues its request names. */
export interface RpcAccess {
  access: Access;
  /** The queues to check (for `queue` access); default: the message's `queue` field. */
  queues?: (message: Record<string, unknown>) => string[];
}

const named = (field: string) => (message: Record<string, unknown>) => [message[field] as string];
const list = (field: string) => (message: Record<string, unknown>) => (message[field] as string[]) ?? [];
const itemQueues = (message: Record<string, unknown>) =>
  ((message.items as { queue: string }[]) ?? []).map((item) => item.queue);
const scheduleQueue = (message: Record<string, unknown>) => [
  ((message.schedule as { queue?: string } | undefined)?.queue ?? "") as string,
];
const redriveQueues = (message: Record<string, unknown>) => [
  message.queue as string,
  message.toQueue as string,
];

/**
 * Every RPC presque serves, by `<service type name>/<method>`. The auth interceptor refuses a
 * procedure missing here, and a test checks this table against the served descriptors, so a new
 * RPC cannot go unchecked.
 */
export const rpcAccess: Readonly<Record<string, RpcAccess>> = {
  "presque.v1.QueueService/Enqueue": { access: onQueue("produce") },
  "presque.v1.QueueService/EnqueueBatch": { access: onQueue("produce") },
  "presque.v1.QueueService/Fetch": { access: onQueue("consume") },
  "presque.v1.QueueService/Ack": { access: onQueue("consume") },
  "presque.v1.QueueService/Nack": { access: onQueue("consume") },
  "presque.v1.QueueService/ExtendLease": { access: onQueue("consume") },
  "presque.v1.QueueService/PromoteJob": { access: onQueue("admin") },
  "presque.v1.QueueService/GetJob": { access: onQueue("read") },
  "presque.v1.ControlService/StopQueue": { access: onQueue("admin") },
  "presque.v1.ControlService/StartQueue": { access: onQueue("admin") },
  "presque.v1.ControlService/GetQueueControl": { access: onQueue("read") },
  "presque.v1.ControlService/PurgeQueue": { access: onQueue("admin") },
  "presque.v1.ControlService/DeleteQueue": { access: onQueue("admin") },
  "presque.v1.ControlService/GetQueueSettings": { access: onQueue("read") },
  "presque.v1.ControlService/UpdateQueueSettings": { access: onQueue("admin") },
  "presque.v1.StatsService/GetQueueInfo": { access: onQueue("read") },
  "presque.v1.StatsService/GetStats": { access: onSomeQueue("read") },
  "presque.v1.StatsService/WatchStats": { access: onSomeQueue("read") },
  "presque.v1.StatsService/GetQueueHistory": { access: onQueue("read") },
  "presque.v1.DeadLetterService/ListDeadJobs": { access: onQueue("read") },
  "presque.v1.DeadLetterService/RedriveDeadJobs": { access: onQueue("admin"), queues: redriveQueues },
  "presque.v1.DeadLetterService/DeleteDeadJobs": { access: onQueue("admin") },
  "presque.v1.ScheduleService/PutSchedule": { access: onQueue("admin"), queues: scheduleQueue },
  // An empty queue lists every schedule the key may read (the service filters).
  "presque.v1.ScheduleService/ListSchedules": { access: onSomeQueue("read") },
  "presque.v1.ScheduleService/DeleteSchedule": { access: onQueue("admin") },
  "presque.v1.ConsumerService/Subscribe": { access: onQueue("consume"), queues: list("queues") },
  "presque.v1.ConsumerService/AckBatch": { access: onQueue("consume"), queues: itemQueues },
  "presque.v1.ConsumerService/RegisterWorker": { access: onQueue("consume"), queues: list("queues") },
  "presque.v1.ConsumerService/Heartbeat": { access: onSomeQueue("consume") },
  "presque.v1.ConsumerService/UnregisterWorker": { access: onSomeQueue("consume") },
  "presque.v1.ConsumerService/ListWorkers": { access: onSomeQueue("read") },
  "grpc.health.v1.Health/Check": { access: open },
  "grpc.health.v1.Health/Watch": { access: open },
  "grpc.reflection.v1.ServerReflection/ServerReflectionInfo": { access: anyKey },
  "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": { access: anyKey },
};

export const defaultQueues = named("queue");
