import { badRequest, decimal, jsonObject, notFound, type OperationDocs } from "./openapi-schema.ts";

const info = { description: "the queue's sizes and counters", json: jsonObject };
const settings = { description: "the queue's settings (defaults filled in)", json: jsonObject };
const text = (type: string) => ({ type, schema: { type: "string" } });

/** Queues, schedules, workers and monitoring (info, control, schedule, worker, monitoring routes). */
export const adminOperationDocs: OperationDocs = {
  "GET /j/:queue": {
    tag: "queues",
    summary: "A queue's info (presque 2010's /j/, with its field names too)",
    responses: { 200: info, 400: badRequest },
  },
  "GET /status": {
    tag: "queues",
    summary: "Every queue's name and size",
    responses: { 200: { description: "queues", json: jsonObject }, 400: badRequest },
  },
  "GET /status/:queue": {
    tag: "queues",
    summary: "One queue's size (with_desc=1: its ready payloads too)",
    query: {
      with_desc: {
        schema: { type: "string", enum: ["0", "1", "true", "false"] },
        description: "list payloads",
      },
    },
    responses: { 200: info, 400: badRequest },
  },
  "GET /stats": {
    tag: "queues",
    summary: "Every queue's info",
    responses: { 200: { description: "stats", json: jsonObject }, 400: badRequest },
  },
  "GET /control/:queue": {
    tag: "queues",
    summary: "A queue's info and whether it is stopped",
    responses: { 200: info, 400: badRequest },
  },
  "POST /control/:queue": {
    tag: "queues",
    summary: "Stop or start a queue: {status: stop|start}",
    body: {
      description: "{status}",
      json: { type: "object", properties: { status: { type: "string", enum: ["stop", "start"] } } },
      required: true,
    },
    responses: { 200: info, 400: badRequest },
  },
  "DELETE /control/:queue": {
    tag: "queues",
    summary: "Delete the queue: its jobs, dead letters, schedules and settings",
    responses: { 200: { description: "deleted", json: jsonObject }, 400: badRequest },
  },
  "GET /control/:queue/settings": {
    tag: "queues",
    summary: "A queue's settings",
    responses: { 200: settings, 400: badRequest },
  },
  "POST /control/:queue/settings": {
    tag: "queues",
    summary: "Change some of a queue's settings (max_length, max_attempts, backoff, retention, ...)",
    body: { description: "the fields to change", json: jsonObject, required: true },
    responses: { 200: settings, 400: badRequest },
  },
  "GET /schedules": {
    tag: "schedules",
    summary: "Every recurring schedule",
    responses: { 200: { description: "schedules", json: jsonObject }, 400: badRequest },
  },
  "GET /schedules/:queue": {
    tag: "schedules",
    summary: "A queue's recurring schedules",
    responses: { 200: { description: "schedules", json: jsonObject }, 400: badRequest },
  },
  "PUT /schedules/:queue/:name": {
    tag: "schedules",
    summary: "Create or replace a schedule: {cron | every_seconds, payload, time_zone, ...}",
    body: { description: "the schedule", json: jsonObject, required: true },
    responses: { 200: { description: "the schedule", json: jsonObject }, 400: badRequest },
  },
  "DELETE /schedules/:queue/:name": {
    tag: "schedules",
    summary: "Delete a schedule",
    responses: {
      200: { description: "{deleted: true|false}", json: { type: "object", required: ["deleted"] } },
      400: badRequest,
    },
  },
  "GET /w": {
    tag: "workers",
    summary: "Registered workers",
    responses: { 200: { description: "workers", json: jsonObject }, 400: badRequest },
  },
  "POST /w": {
    tag: "workers",
    summary: "Register a worker: {name, queues, host, pid, concurrency, heartbeat_seconds}",
    body: { description: "the worker", json: jsonObject },
    responses: {
      201: { description: "registered", json: { type: "object", required: ["worker_id"] } },
      400: badRequest,
    },
  },
  "POST /w/:worker/heartbeat": {
    tag: "workers",
    summary: "A worker's heartbeat: {working_on: [{queue, id}]}",
    body: { description: "what it is working on", json: jsonObject },
    responses: { 204: { description: "noted" }, 400: badRequest, 404: notFound("no such worker") },
  },
  "DELETE /w/:worker": {
    tag: "workers",
    summary: "Unregister a worker",
    responses: { 204: { description: "unregistered" }, 400: badRequest },
  },
  "GET /q/:queue/jobs": {
    tag: "monitoring",
    summary: "Browse a queue's jobs by state",
    query: {
      state: {
        schema: { type: "string", enum: ["ready", "delayed", "leased", "dead", "done"] },
        description: "which set",
      },
      cursor: { schema: { type: "string" }, description: "from the previous page" },
      limit: { schema: decimal, description: "page size" },
    },
    responses: { 200: { description: "a page", json: jsonObject }, 400: badRequest },
  },
  "GET /stats/:queue/history": {
    tag: "monitoring",
    summary: "Per-minute counters of a queue",
    query: { minutes: { schema: decimal, description: "how many minutes back (at most 60)" } },
    responses: { 200: { description: "points", json: jsonObject }, 400: badRequest },
  },
  "GET /metrics": {
    tag: "monitoring",
    summary: "Prometheus metrics",
    responses: { 200: { description: "text exposition", content: text("text/plain") }, 400: badRequest },
  },
  "GET /healthz": {
    tag: "monitoring",
    summary: "Liveness: the process answers",
    responses: { 200: { description: "alive", json: jsonObject }, 400: badRequest },
  },
  "GET /readyz": {
    tag: "monitoring",
    summary: "Readiness: Redis answers",
    description: "503 with the same body shape while Redis does not answer.",
    responses: { 200: { description: "ready", json: jsonObject }, 400: badRequest },
  },
  "GET /": {
    tag: "monitoring",
    summary: "The dashboard",
    responses: { 200: { description: "the page", content: text("text/html") }, 400: badRequest },
  },
  "GET /dashboard/*": {
    tag: "monitoring",
    summary: "The dashboard's scripts and styles",
    responses: {
      200: { description: "the file", content: text("application/octet-stream") },
      400: badRequest,
      404: { description: "no such file", content: text("text/plain") },
    },
  },
  "GET /auth/whoami": {
    tag: "monitoring",
    summary: "The request's API key and its scopes (auth: false while no key is configured)",
    responses: { 200: { description: "the key", json: jsonObject }, 400: badRequest },
  },
  "GET /openapi.json": {
    tag: "monitoring",
    summary: "This document",
    responses: { 200: { description: "OpenAPI 3.1", json: jsonObject }, 400: badRequest },
  },
};
