/** The pieces every OpenAPI description in src/rest/openapi-*.ts is made of. */

export type JsonSchema = Record<string, unknown>;

export interface ResponseDoc {
  description: string;
  /** JSON body schema; absent means no body. */
  json?: JsonSchema;
  /** A non-JSON body (text/plain, text/html, text/event-stream, ...). */
  content?: { type: string; schema: JsonSchema };
}

/** How one row of the REST route table is documented. */
export interface OperationDoc {
  summary: string;
  description?: string;
  tag: string;
  /** Schemas of the query parameters; the keys must be the route's `query` list. */
  query?: Record<string, { schema: JsonSchema; description: string }>;
  /** Headers the route reads. */
  headers?: Record<string, { schema: JsonSchema; description: string }>;
  body?: { description: string; json: JsonSchema; required?: boolean };
  responses: Record<string, ResponseDoc>;
}

/** Descriptions keyed by the route table's "METHOD pattern" ("POST /q/:queue"). */
export type OperationDocs = Record<string, OperationDoc>;

export const anyJson: JsonSchema = { description: "any JSON value" };
export const errorSchema: JsonSchema = {
  type: "object",
  required: ["code", "message"],
  properties: {
    code: { type: "string", description: "a Connect code name, e.g. invalid_argument, not_found" },
    message: { type: "string" },
  },
};

export const error = (description: string): ResponseDoc => ({ description, json: errorSchema });
/** Every route refuses unknown query parameters, repeated parameters and bad values with a 400. */
export const badRequest = error("invalid_argument: a bad name, body or query parameter");
export const notFound = (what: string) => error(`not_found: ${what}`);
export const tokenConflict = error("failed_precondition: the job is not leased under this token");

export const queueName: JsonSchema = { type: "string", pattern: "^[A-Za-z0-9_.:-]+$", maxLength: 200 };
export const decimal: JsonSchema = { type: "string", pattern: "^-?\\d+(\\.\\d+)?$" };
export const duration: JsonSchema = {
  type: "string",
  pattern: "^(\\d+(\\.\\d+)?|(\\d+(ms|s|m|h))+)$",
  description: "seconds, or a duration such as 250ms, 90s, 5m, 1h30m",
};
export const timestamp: JsonSchema = { type: "string", format: "date-time" };
export const jsonObject: JsonSchema = { type: "object" };
export const jobSchema: JsonSchema = {
  type: "object",
  required: ["id", "queue"],
  properties: { id: { type: "string" }, queue: { type: "string" } },
  description: "a job envelope: id, queue, payload, state, attempt, deliveries, ...",
};
export const leaseToken = {
  "x-presque-lease-token": {
    schema: { type: "string" },
    description: "the lease token of the delivery (or ?token=)",
  },
};
