/** @module The parts of a resolved OpenAPI 3.1 document (every `$ref` inlined) the servers read at run time. */

/** A resolved OpenAPI 3.1 document: plain data, no `$ref` left. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string; [key: string]: unknown };
  paths: Record<string, Record<string, OperationObject>>;
  components?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The parts of an OpenAPI operation the servers use. */
export interface OperationObject {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: SchemaObject; [key: string]: unknown }>;
  requestBody?: { required?: boolean; content: Record<string, MediaTypeObject & { schema: SchemaObject }> };
  responses: Record<string, { description: string; content?: Record<string, MediaTypeObject>; [key: string]: unknown }>;
  security?: Array<Record<string, string[]>>;
  [key: string]: unknown;
}

/** The content of one media type of a request or an answer (examples and encodings are kept, unread). */
export interface MediaTypeObject {
  schema?: SchemaObject;
  [key: string]: unknown;
}

/** A JSON Schema 2020-12 object as used in the specs. */
export interface SchemaObject {
  type?: string | string[];
  format?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  allOf?: SchemaObject[];
  items?: SchemaObject;
  default?: unknown;
  description?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  [key: string]: unknown;
}
