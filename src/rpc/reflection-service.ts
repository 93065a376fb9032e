import { create, createRegistry, type DescFile, type DescService, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectRouter } from "@connectrpc/connect";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.ts";
import * as v1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.ts";

/** A reflection request, as both versions decode it (v1alpha is v1 under another package). */
interface ReflectionRequest {
  host: string;
  messageRequest:
    | {
        case: "fileByFilename" | "fileContainingSymbol" | "allExtensionNumbersOfType" | "listServices";
        value: string;
      }
    | { case: "fileContainingExtension"; value: { containingType: string; extensionNumber: number } }
    | { case: undefined; value?: undefined };
}

/** The answer's oneof, in the shape both versions' `create` accept. */
type ReflectionAnswer =
  | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: "allExtensionNumbersResponse"; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: "listServicesResponse"; value: { service: { name: string }[] } }
  | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };

/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha) over the descriptors compiled into gen/,
 * so grpcurl, buf curl and Postman work without a copy of proto/. Register it last: it lists the
 * services already on the router, and itself. ServerReflectionInfo is a bidi stream, so it needs
 * HTTP/2 (h2c on the one port); over HTTP/1.1 connect-node answers 505.
 */
export function addReflectionService(router: ConnectRouter): void {
  const services = new Map<string, DescService>();
  for (const handler of router.handlers) services.set(handler.service.typeName, handler.service);
  services.set(v1.ServerReflection.typeName, v1.ServerReflection);
  services.set(v1alpha.ServerReflection.typeName, v1alpha.ServerReflection);

  // Every file a served service needs, by its name on the wire ("presque/v1/job.proto").
  const files = new Map<string, DescFile>();
  const visit = (file: DescFile) => {
    if (files.has(file.proto.name)) return;
    files.set(file.proto.name, file);
    for (const dependency of file.dependencies) visit(dependency);
  };
  for (const service of services.values()) visit(service.file);
  const registry = createRegistry(...files.values());

  const fileOfSymbol = (symbol: string): DescFile | undefined => {
    const found = registry.get(symbol);
    if (found) return found.file;
    // "pkg.Service.Method": the registry knows services, not methods.
    const parent = symbol.slice(0, Math.max(0, symbol.lastIndexOf(".")));
    return registry.getService(parent)?.file;
  };

  /** The file first, then its transitive imports not yet sent on this stream. */
  const withImports = (root: DescFile, sent: Set<string>): Uint8Array[] => {
    const out: Uint8Array[] = [];
    const queue = [root];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const file = queue.shift() as DescFile;
      if (seen.has(file.proto.name)) continue;
      seen.add(file.proto.name);
      if (file === root || !sent.has(file.proto.name)) {
        out.push(toBinary(FileDescriptorProtoSchema, file.proto));
        sent.add(file.proto.name);
      }
      queue.push(...file.dependencies);
    }
    return out;
  };

  const notFound = (what: string): ReflectionAnswer => ({
    case: "errorResponse",
    value: { errorCode: Code.NotFound, errorMessage: `${what} not found` },
  });

  const answer = (request: ReflectionRequest, sent: Set<string>): ReflectionAnswer => {
    const r = request.messageRequest;
    switch (r.case) {
      case "listServices":
        return {
          case: "listServicesResponse",
          value: { service: [...services.keys()].sort().map((name) => ({ name })) },
        };
      case "fileByFilename": {
        const file = files.get(r.value);
        return file
          ? { case: "fileDescriptorResponse", value: { fileDescriptorProto: withImports(file, sent) } }
          : notFound(`file ${r.value}`);
      }
      case "fileContainingSymbol": {
        const file = fileOfSymbol(r.value);
        return file
          ? { case: "fileDescriptorResponse", value: { fileDescriptorProto: withImports(file, sent) } }
          : notFound(`symbol ${r.value}`);
      }
      case "fileContainingExtension":
        // presque declares no extensions.
        return notFound(`extension ${r.value.extensionNumber} of ${r.value.containingType}`);
      case "allExtensionNumbersOfType":
        return registry.getMessage(r.value)
          ? { case: "allExtensionNumbersResponse", value: { baseTypeName: r.value, extensionNumber: [] } }
          : notFound(`type ${r.value}`);
      default:
        return {
          case: "errorResponse",
          value: { errorCode: Code.InvalidArgument, errorMessage: "empty request" },
        };
    }
  };

  router.service(v1.ServerReflection, {
    async *serverReflectionInfo(requests) {
      const sent = new Set<string>();
      for await (const request of requests) {
        yield create(v1.ServerReflectionResponseSchema, {
          validHost: request.host,
          originalRequest: request,
          messageResponse: answer(request, sent),
        });
      }
    },
  });
  router.service(v1alpha.ServerReflection, {
    async *serverReflectionInfo(requests) {
      const sent = new Set<string>();
      for await (const request of requests) {
        yield create(v1alpha.ServerReflectionResponseSchema, {
          validHost: request.host,
          originalRequest: request,
          messageResponse: answer(request, sent),
        });
      }
    },
  });
}
