/** @module Type-level tests: a handler's input and response types come from the spec. */

import type { OperationHandler, RequestBodyOf, SuccessBodyOf } from "@ai-video-subnet/server-kit";
import { type RequestValidator, typedRoutes } from "@ai-video-subnet/server-kit";
import { Hono } from "hono";
import { describe, expectTypeOf, it } from "vitest";
import type { components, operations } from "../src/generated/runner.js";

declare const validator: RequestValidator;

describe("typed routes", () => {
  it("gives a JSON operation's handler the spec's body and response types", () => {
    expectTypeOf<RequestBodyOf<operations["genTextToImage"]>>().toEqualTypeOf<
      components["schemas"]["TextToImageParams"]
    >();
    expectTypeOf<SuccessBodyOf<operations["genTextToImage"]>>().toEqualTypeOf<components["schemas"]["ImageResponse"]>();
    expectTypeOf<SuccessBodyOf<operations["genImageToVideo"]>>().toEqualTypeOf<
      components["schemas"]["VideoResponse"]
    >();
  });

  it("types file fields as Blob", () => {
    expectTypeOf<RequestBodyOf<operations["genUpscale"]>["image"]>().toEqualTypeOf<Blob>();
  });

  it("rejects a handler whose response does not match the spec", () => {
    const route = typedRoutes<operations>(new Hono(), validator);
    route("genUpscale", (body) => {
      expectTypeOf(body.prompt).toEqualTypeOf<string>();
      return { images: [{ url: "data:", seed: 1, nsfw: false }] };
    });
    // @ts-expect-error a VideoResponse is not an upscale's ImageResponse
    route("genUpscale", () => ({ frames: [] }));
    // @ts-expect-error seed must be an integer
    route("genTextToImage", () => ({ images: [{ url: "x", seed: "1", nsfw: false }] }));
    // @ts-expect-error no such operation in the runner spec
    route("getInfo", () => new Response());
  });

  it("lets non-JSON operations answer with a Response only", () => {
    expectTypeOf<OperationHandler<operations["metrics"]>>().returns.toEqualTypeOf<Response | Promise<Response>>();
  });
});
