/**
 * @module The spec of a server with one upload route, `POST /up` (`operationId` "up"): a multipart body whose `image`
 * is a required file, with the other fields a test gives.
 */
import type { OpenApiDocument, SchemaObject } from "../src/openapi.js";

/**
 * The document of `POST /up`, with `image` (a file, required) and `fields`.
 * @example uploadDocument({ prompt: { type: "string", default: "" } })
 */
export function uploadDocument(fields: Record<string, SchemaObject>): OpenApiDocument {
  const schema = {
    type: "object",
    required: ["image"],
    properties: { image: { type: "string", format: "binary" }, ...fields },
  };
  const operation = {
    operationId: "up",
    requestBody: { content: { "multipart/form-data": { schema } } },
    responses: {},
  };
  return { openapi: "3.1.0", info: { title: "t", version: "1" }, paths: { "/up": { post: operation } } } as never;
}
