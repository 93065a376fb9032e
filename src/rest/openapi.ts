import type { DescService } from "@bufbuild/protobuf";
import { Health } from "../../gen/grpc/health/v1/health_pb.ts";
import { ConsumerService } from "../../gen/presque/v1/consumer_service_pb.ts";
import { ControlService } from "../../gen/presque/v1/control_service_pb.ts";
import { DeadLetterService } from "../../gen/presque/v1/dead_letter_service_pb.ts";
import { QueueService } from "../../gen/presque/v1/queue_service_pb.ts";
import { ScheduleService } from "../../gen/presque/v1/schedule_service_pb.ts";
import { StatsService } from "../../gen/presque/v1/stats_service_pb.ts";
import { anyKey } from "../auth/access.ts";
import { sendText } from "./http-io.ts";
import { adminOperationDocs } from "./openapi-admin-ops.ts";
import { jobOperationDocs } from "./openapi-job-ops.ts";
import { errorSchema, type JsonSchema, type OperationDocs, queueName } from "./openapi-schema.ts";
import { type RestRoute, route } from "./router.ts";

/** Every REST route's description, keyed like the route table ("POST /q/:queue"). */
export const operationDocs: OperationDocs = { ...jobOperationDocs, ...adminOperationDocs };

/** The services whose unary methods are documented as Connect JSON endpoints. */
export const documentedServices: readonly DescService[] = [
  QueueService,
  ConsumerService,
  ControlService,
  StatsService,
  DeadLetterService,
  ScheduleService,
  Health,
];

/** `/q/:queue/:id` → `/q/{queue}/{id}`; find-my-way's `*` becomes `{path}`. */
export function openApiPath(pattern: string): string {
  return pattern.replace(/:([A-Za-z_]+)/g, "{$1}").replace(/\*$/, "{path}");
}

const pathParams = (pattern: string) =>
  [...openApiPath(pattern).matchAll(/\{([A-Za-z_]+)\}/g)].map((m) => m[1] as string);

const paramSchema = (name: string): JsonSchema =>
  name === "queue" ? queueName : { type: "string", pattern: "^[^/]+$", minLength: 1 };

type DocumentedRoute = Pick<RestRoute, "method" | "path" | "query"> & Partial<Pick<RestRoute, "access">>;

/** With auth on, every route but the public ones takes a key and may answer 401 and 403. */
const authResponses = {
  401: {
    description: "unauthenticated: no API key, or an unknown one",
    content: { "application/json": { schema: errorSchema } },
  },
  403: {
    description: "permission_denied: the key lacks the scope, or the request came from another site",
    content: { "application/json": { schema: errorSchema } },
  },
};

function restOperation(routeRow: DocumentedRoute, authOn: boolean) {
  const key = `${routeRow.method} ${routeRow.path}`;
  const doc = operationDocs[key];
  if (!doc) throw new Error(`the route ${key} has no OpenAPI description in src/rest/openapi-*-ops.ts`);
  const parameters = [
    ...pathParams(routeRow.path).map((name) => ({
      name,
      in: "path",
      required: true,
      schema: paramSchema(name),
    })),
    ...(routeRow.query ?? []).map((name) => {
      const q = doc.query?.[name];
      if (!q) throw new Error(`the query parameter ${name} of ${key} is not described`);
      return { name, in: "query", required: false, description: q.description, schema: q.schema };
    }),
    ...Object.entries(doc.headers ?? {}).map(([name, h]) => ({
      name,
      in: "header",
      required: false,
      description: h.description,
      schema: h.schema,
    })),
  ];
  const responses = Object.fromEntries(
    Object.entries(doc.responses).map(([status, r]) => [
      status,
      {
        description: r.description,
        ...(r.json
          ? { content: { "application/json": { schema: r.json } } }
          : r.content
            ? { content: { [r.content.type]: { schema: r.content.schema } } }
            : {}),
      },
    ]),
  );
  return {
    operationId: `${routeRow.method.toLowerCase()}${openApiPath(routeRow.path).replace(/[^A-Za-z0-9]+/g, "_")}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [doc.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            description: doc.body.description,
            required: doc.body.required ?? false,
            content: { "application/json": { schema: doc.body.json } },
          },
        }
      : {}),
    ...(authOn && routeRow.access?.kind !== "public"
      ? { security: [{ apiKey: [] }], responses: { ...responses, ...authResponses } }
      : { responses }),
  };
}

const connectError: JsonSchema = {
  ...errorSchema,
  properties: { ...(errorSchema.properties as object), details: { type: "array" } },
};

function connectOperation(service: DescService, method: DescService["methods"][number]) {
  return {
    operationId: `${service.typeName}.${method.name}`,
    summary: `${service.name}.${method.name} over the Connect protocol (JSON)`,
    description:
      "Request and response are the protobuf JSON form of the messages in proto/ (field names in " +
      "lowerCamelCase or as declared; 64-bit integers as strings); gRPC reflection serves their exact schema. " +
      "Errors use Connect's HTTP mapping: invalid_argument 400, not_found 404, already_exists 409, " +
      "resource_exhausted 429, unavailable 503.",
    tags: [service.typeName],
    requestBody: {
      required: true,
      content: {
        "application/json": { schema: { type: "object", description: `${method.input.typeName}` } },
      },
    },
    responses: {
      200: {
        description: method.output.typeName,
        content: { "application/json": { schema: { type: "object", description: method.output.typeName } } },
      },
      400: {
        description: "invalid_argument (unknown fields, bad values) or failed_precondition",
        content: { "application/json": { schema: connectError } },
      },
    },
  };
}

/** The OpenAPI 3.1 document of the REST route table and the Connect JSON (unary) endpoints. */
export function buildOpenApi(routes: readonly DocumentedRoute[], authOn = false) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const row of routes) {
    const path = openApiPath(row.path);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[row.method.toLowerCase()] = restOperation(row, authOn);
  }
  for (const service of documentedServices) {
    for (const method of service.methods) {
      if (method.methodKind !== "unary") continue; // streams need a Connect client
      const operation = connectOperation(service, method);
      paths[`/${service.typeName}/${method.name}`] = {
        post: authOn
          ? {
              ...operation,
              security: [{ apiKey: [] }],
              responses: { ...operation.responses, ...authResponses },
            }
          : operation,
      };
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "presque",
      version: "0.1.0",
      description:
        "A job queue over HTTP: REST (below) and Connect, gRPC and gRPC-Web on the same port. " +
        "Errors are {code, message}. Any route answers 503 unavailable (with Retry-After) while Redis does not.",
    },
    paths,
    components: {
      schemas: { Error: errorSchema },
      ...(authOn
        ? {
            securitySchemes: {
              apiKey: { type: "http", scheme: "bearer", description: "presque keys create" },
            },
          }
        : {}),
    },
  };
}

/**
 * GET /openapi.json, built from the route table it is given (rest-routes.ts passes the table it
 * returns) once, at the first request.
 */
export function openApiRoutes(table: () => readonly RestRoute[], authOn: boolean): RestRoute[] {
  let document: string | undefined;
  return [
    route("GET", "/openapi.json", anyKey, ({ res }) => {
      document ??= JSON.stringify(buildOpenApi(table(), authOn));
      sendText(res, 200, document, { "cache-control": "no-cache" });
    }),
  ];
}
