/**
 * @module The one request validator of every server, built at start-up from a resolved spec (each server's
 * `src/generated/<api>-document.ts`, written by `avs-codegen`).
 *
 * For each operation it checks the Content-Type and that the body is not compressed (Content-Encoding → 415), the body size (413), parses JSON or multipart bodies,
 * coerces multipart text fields to their schema types, checks file fields are files, applies defaults, drops
 * fields the spec does not declare (as FastAPI does), and validates path, query and header parameters.
 * Invalid input → 422 `{"detail":[{loc,msg,type}]}` (at most `MAX_LISTED_ISSUES` issues, then one that counts the rest).
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import type { Context, MiddlewareHandler } from "hono";
import { HttpError, RequestValidationError, shortOfResources, type ValidationIssue } from "../http/errors.js";
import { headerText } from "../http/header-text.js";
import type { OpenApiDocument, OperationObject, SchemaObject } from "../openapi.js";
import { localResourceCode } from "../process/local-resources.js";
import { sizeLimit } from "./body.js";
import { coerceFormValue } from "./coerce.js";
import { contentTypeCheck } from "./content-type.js";
import { MAX_JSON_DEPTH, tooDeep } from "./json-depth.js";
import { show, toIssue } from "./messages.js";
import { type RawMultipartOptions, readRawMultipart, removeRawMultipartFiles } from "./raw-multipart.js";
import { flattenObjectSchema, isFileSchema } from "./schema.js";
import { lazyFileField, UploadedPart } from "./uploaded-part.js";

/** Limits applied before a body is parsed. */
export interface RequestValidatorOptions {
  /** Largest JSON body, in bytes (default 1 MiB). */
  maxJsonBytes?: number;
  /** Largest multipart body, in bytes (default 64 MiB). */
  maxMultipartBytes?: number;
  /**
   * Per-path limits over the two above, e.g. `{ "/upscale": 20 * 1024 * 1024 }`; the 413 of such a route names its
   * path.
   */
  bodyLimits?: Record<string, number>;
  /**
   * Reads a multipart body (default: the whole body parsed from memory, which holds the whole upload in memory). A server can
   * stream uploads elsewhere (e.g. file parts to disk, returned as file-backed Blobs); an `HttpError` it throws is kept.
   */
  readMultipart?: (c: Context) => Promise<FormData>;
  /**
   * Keep the original bytes of multipart bodies, for a hop that forwards them as they came: the body is read by a
   * streaming parser, held in memory up to `memoryBytes` and spooled to a file in `dir` beyond, and read with
   * `rawMultipart(c)`; its files are removed once the handler is done. Its `leadingBytes` checks apply to the file
   * fields of each operation's body that they name, e.g. `{ image: pngJpegOrWebp }` refuses a wrong-type `image`
   * upload from its first bytes. A chunked body (no Content-Length) is counted against the body limit as it streams,
   * not read whole first. With `keepBody: false` only the file parts are kept (a server that forwards nothing); a
   * part spooled to a file is named by `spooledPath(file)`. Ignored when `readMultipart` is given.
   */
  keepMultipart?: RawMultipartOptions;
}

/** The parts of a request that passed validation, with defaults applied. */
export interface ValidatedRequest {
  body: Record<string, unknown>;
  params: Record<string, unknown>;
}

/** One operation of the spec, ready to mount. */
export interface CompiledOperation {
  operationId: string;
  method: string;
  /** The path as written in the spec, e.g. `/outputs/{name}`. */
  path: string;
  /** The same path in Hono's syntax, e.g. `/outputs/:name`. */
  honoPath: string;
  operation: OperationObject;
  /** Body limit + validation; the result is read with {@link validated}. */
  middleware: MiddlewareHandler[];
}

const KEY = "avs.validated";
const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

/**
 * What the validator accepted for this request.
 * @example const { body } = validated(c)
 */
export function validated(c: Context): ValidatedRequest {
  const v = c.get(KEY as never) as ValidatedRequest | undefined;
  if (!v) throw new Error("validated() called on a route without the validator middleware");
  return v;
}

interface BodyPlan {
  mediaType: "application/json" | "multipart/form-data";
  schema: SchemaObject;
  fileFields: Set<string>;
  /** The fields the schema requires. */
  required: Set<string>;
  validate: ValidateFunction;
}

interface ParamPlan {
  name: string;
  in: string;
  required: boolean;
  schema: SchemaObject;
  validate: ValidateFunction;
}

/**
 * Validates requests against one spec.
 * @example
 * const validator = await RequestValidator.create(runnerDocument);
 * const op = validator.operation("genUpscale");
 * app.post(op.honoPath, ...op.middleware, (c) => c.json(validated(c).body));
 */
export class RequestValidator {
  readonly document: OpenApiDocument;
  /** Each operation, compiled on first use: a server compiles only the schemas of the routes it mounts. */
  readonly #operations = new Map<string, () => CompiledOperation>();

  private constructor(document: OpenApiDocument, options: RequestValidatorOptions) {
    this.document = document;
    const ajv = new Ajv2020({ strict: false, allErrors: true, useDefaults: true, coerceTypes: false });
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!operation?.operationId) continue;
        bodyMediaType(operation);
        let compiled: CompiledOperation | undefined;
        this.#operations.set(operation.operationId, () => {
          compiled ??= compileOperation(ajv, options, path, method, operation);
          return compiled;
        });
      }
    }
  }

  /**
   * Builds the validator of a resolved spec document (async so that a server can await it with the rest of its
   * start-up). An operation's schemas are compiled when {@link operation} first returns it, so a runner that mounts one
   * pipeline's route compiles no other pipeline's.
   * @example await RequestValidator.create(gatewayDocument, { maxMultipartBytes: 50 * 1024 * 1024 })
   */
  static async create(document: OpenApiDocument, options: RequestValidatorOptions = {}): Promise<RequestValidator> {
    return new RequestValidator(document, options);
  }

  /** The compiled operation with this `operationId`; throws for an id the spec does not have. */
  operation(operationId: string): CompiledOperation {
    const op = this.#operations.get(operationId);
    if (!op) throw new Error(`the spec has no operation ${operationId}`);
    return op();
  }

  /** Every operation of the spec. */
  operations(): CompiledOperation[] {
    return [...this.#operations.values()].map((op) => op());
  }
}

function compileOperation(
  ajv: Ajv2020,
  options: RequestValidatorOptions,
  path: string,
  method: string,
  operation: OperationObject,
): CompiledOperation {
  const body = planBody(ajv, operation);
  const params = (operation.parameters ?? []).map((p) => ({
    name: p.name,
    in: p.in,
    required: p.required ?? false,
    schema: p.schema ?? {},
    validate: ajv.compile(p.schema ?? {}),
  }));
  const routeLimit = options.bodyLimits?.[path];
  const limit =
    routeLimit ??
    (body?.mediaType === "multipart/form-data"
      ? (options.maxMultipartBytes ?? 64 * 1024 * 1024)
      : (options.maxJsonBytes ?? 1024 * 1024));
  const middleware: MiddlewareHandler[] = [];
  const keep = options.readMultipart ? undefined : options.keepMultipart;
  if (body) {
    middleware.push(contentTypeCheck(body.mediaType));
    const message = `request body is larger than the limit of ${limit} bytes`;
    const streamed = keep !== undefined && body.mediaType === "multipart/form-data";
    middleware.push(sizeLimit(limit, routeLimit === undefined ? message : `${message} for ${path}`, streamed));
  }
  const reader = options.readMultipart ?? (keep ? rawReader(keepFor(keep, body)) : undefined);
  middleware.push(validateRequest(body, params, reader, keep !== undefined));
  return {
    operationId: operation.operationId!,
    method: method.toUpperCase(),
    path,
    honoPath: path.replace(/\{([^}]+)\}/g, ":$1"),
    operation,
    middleware,
  };
}

/** The request body's media type, or undefined for an operation without a body; throws for one this kit cannot read. */
function bodyMediaType(operation: OperationObject): BodyPlan["mediaType"] | undefined {
  const content = operation.requestBody?.content;
  if (!content) return undefined;
  const mediaType = Object.keys(content)[0];
  if (mediaType !== "application/json" && mediaType !== "multipart/form-data") {
    throw new Error(`${operation.operationId}: unsupported request content type ${mediaType}`);
  }
  return mediaType;
}

function planBody(ajv: Ajv2020, operation: OperationObject): BodyPlan | undefined {
  const mediaType = bodyMediaType(operation);
  if (!mediaType) return undefined;
  const schema = flattenObjectSchema(operation.requestBody!.content![mediaType]!.schema);
  const fileFields = new Set(Object.keys(schema.properties ?? {}).filter((k) => isFileSchema(schema.properties?.[k])));
  // Files are checked by the multipart reader; a required field keeps no default (the orchestrator's model_id).
  const required = new Set(schema.required ?? []);
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([k, s]) => {
      if (fileFields.has(k)) return [k, {}];
      if (!required.has(k)) return [k, s];
      const { default: _dropped, ...rest } = s;
      return [k, rest];
    }),
  );
  const validate = ajv.compile({ ...schema, type: "object", properties });
  return { mediaType, schema, fileFields, required, validate };
}

/** Reads the entries of a multipart body. */
type MultipartReader = (c: Context) => Promise<Iterable<[string, FormDataEntryValue | UploadedPart]>>;

function rawReader(options: RawMultipartOptions): MultipartReader {
  return async (c) => (await readRawMultipart(c, options)).entries;
}

/** `keep` with only the leading-bytes checks of `body`'s file fields (none: no watch at all). */
function keepFor(keep: RawMultipartOptions, body: BodyPlan | undefined): RawMultipartOptions {
  const { leadingBytes, ...rest } = keep;
  if (!leadingBytes) return keep;
  const own = Object.entries(leadingBytes).filter(([field]) => body?.fileFields.has(field));
  return own.length > 0 ? { ...rest, leadingBytes: Object.fromEntries(own) } : rest;
}

function validateRequest(
  body: BodyPlan | undefined,
  params: ParamPlan[],
  reader: MultipartReader | undefined,
  spools: boolean,
): MiddlewareHandler {
  const validate: MiddlewareHandler = async (c, next) => {
    const issues: ValidationIssue[] = [];
    const values: Record<string, unknown> = {};
    for (const p of params) {
      const raw = p.in === "path" ? c.req.param(p.name) : p.in === "query" ? c.req.query(p.name) : c.req.header(p.name);
      if (raw === undefined) {
        if (p.required) issues.push({ loc: [p.in, p.name], msg: `${p.name} is required`, type: "missing" });
        continue;
      }
      const value = coerceFormValue(raw, p.schema);
      if (!p.validate(value)) {
        const text = typeof value === "number" ? raw : undefined;
        for (const e of p.validate.errors ?? []) {
          // A header's bytes are quoted as the client sent them (UTF-8), not as the Latin-1 Node read them as.
          const shown = p.in === "header" && typeof value === "string" ? headerText(value) : value;
          const issue = toIssue(e, p.in, shown, (path) => (path.length === 0 ? text : undefined));
          issues.push({ ...issue, loc: [p.in, p.name], msg: issue.msg.replace(/^\S+/, p.name) });
        }
      } else values[p.name] = value;
    }
    let data: Record<string, unknown> = {};
    if (body) {
      const parsed = body.mediaType === "application/json" ? await readJson(c) : await readMultipart(c, body, reader);
      issues.push(...parsed.issues);
      data = parsed.data;
      if (parsed.issues.length === 0) {
        for (const key of Object.keys(data)) if (!(key in (body.schema.properties ?? {}))) delete data[key];
        if (!body.validate(data)) {
          const textOf = (path: ReadonlyArray<string | number>) =>
            path.length === 1 ? parsed.texts?.get(String(path[0])) : undefined;
          for (const e of body.validate.errors ?? []) issues.push(toIssue(e, "body", data, textOf));
        }
        // A file part kept in memory becomes a File when the handler first reads it.
        for (const key of body.fileFields) {
          const part = data[key];
          if (part instanceof UploadedPart) lazyFileField(data, key, part);
        }
      }
    }
    if (issues.length > 0) throw new RequestValidationError(issues);
    c.set(KEY as never, { body: data, params: values } satisfies ValidatedRequest as never);
    await next();
  };
  if (!spools) return validate;
  return async (c, next) => {
    try {
      await validate(c, next);
    } finally {
      await removeRawMultipartFiles(c);
    }
  };
}

/** A body read for validation: its fields, the issues met reading it, the text of each form field read as a number. */
interface ReadBody {
  data: Record<string, unknown>;
  issues: ValidationIssue[];
  texts?: Map<string, string>;
}

async function readJson(c: Context): Promise<ReadBody> {
  const text = await c.req.text();
  if (tooDeep(text)) {
    const msg = `body is nested more than ${MAX_JSON_DEPTH} levels deep; at most ${MAX_JSON_DEPTH} levels of objects and arrays are allowed`;
    return { data: {}, issues: [{ loc: ["body"], msg, type: "json_too_deep" }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return {
      data: {},
      issues: [{ loc: ["body"], msg: `JSON decode error: ${(err as Error).message}`, type: "json_invalid" }],
    };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      data: {},
      issues: [{ loc: ["body"], msg: `body must be a JSON object, got ${show(value)}`, type: "dict_type" }],
    };
  }
  return { data: value as Record<string, unknown>, issues: [] };
}

/**
 * The multipart body as FormData: read whole (straight from the socket on `@hono/node-server` when its length was
 * declared, see `sizeLimit` in body.ts) and parsed by the platform's parser.
 */
async function readFormData(c: Context): Promise<FormData> {
  const bytes = await c.req.raw.arrayBuffer();
  return new Response(bytes, { headers: { "content-type": c.req.header("content-type") ?? "" } }).formData();
}

async function readMultipart(c: Context, body: BodyPlan, reader?: MultipartReader): Promise<ReadBody> {
  let form: Iterable<[string, FormDataEntryValue | UploadedPart]>;
  try {
    form = reader ? await reader(c) : await readFormData(c);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (localResourceCode(err)) throw shortOfResources("to read the upload", err);
    throw new HttpError(400, `malformed multipart/form-data body: ${(err as Error).message}`, { cause: err });
  }
  const data: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  // The text of each field read as a number: a message quotes it, not the number (1e17 for 99999999999999999).
  const texts = new Map<string, string>();
  // Times each declared field was given: a repeated one gets one issue with its count, not one per repeat.
  const given = new Map<string, number>();
  for (const [key, value] of form) {
    const schema = body.schema.properties?.[key];
    if (!schema) continue;
    const times = (given.get(key) ?? 0) + 1;
    given.set(key, times);
    if (times > 1) continue;
    // An empty optional field is one not sent, as FastAPI reads forms (an HTML form's unfilled input): its default.
    if (value === "" && !body.required.has(key)) continue;
    const isFile = typeof value !== "string";
    if (body.fileFields.has(key)) {
      if (!isFile)
        issues.push({ loc: ["body", key], msg: `${key} must be a file upload, got a text field`, type: "file_type" });
      else data[key] = value;
    } else if (isFile) {
      issues.push({ loc: ["body", key], msg: `${key} must be a text field, got a file`, type: "string_type" });
    } else {
      data[key] = coerceFormValue(value, schema);
      if (typeof data[key] === "number") texts.set(key, value);
    }
  }
  for (const [key, times] of given) {
    if (times > 1) {
      issues.push({ loc: ["body", key], msg: `${key} must be given once, got ${times} times`, type: "duplicate" });
    }
  }
  return { data, issues, texts };
}
