/** @module Domain errors: their wire form across the worker boundary, and the one mapping to HTTP statuses. */
import { HttpError } from "@ai-video-subnet/server-kit";
import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  errorFromWire,
  errorToWire,
  JobAbortedError,
  JobError,
  ModelUnavailableError,
  OutOfMemoryError,
  PayloadTooLargeError,
  UnsupportedMediaError,
} from "./errors.js";
import { statusOf, toHttpError } from "./server/http-errors.js";
import { JobDroppedError } from "./server/job-queue.js";

describe("domain errors", () => {
  it("cross the worker boundary by name and keep their message", () => {
    for (const err of [
      new BadRequestError("strength 0.1 × num_inference_steps 5 leaves no denoising step"),
      new PayloadTooLargeError("too big"),
      new UnsupportedMediaError("not a PNG"),
      new OutOfMemoryError("out of memory"),
      new JobAbortedError(),
      new ModelUnavailableError("the model is not ready (ERROR)"),
    ]) {
      const back = errorFromWire(structuredClone(errorToWire(err)));
      expect(back).toBeInstanceOf(err.constructor);
      expect(back.name).toBe(err.constructor.name);
      expect(back.message).toBe(err.message);
    }
  });

  it("turn ONNX Runtime's allocation failures into OutOfMemoryError and anything else into JobError", () => {
    const oom = errorFromWire(
      errorToWire(new Error("Failed to allocate memory for requested buffer of size 4294967296")),
    );
    expect(oom).toBeInstanceOf(OutOfMemoryError);
    expect(oom.message).toBe("out of memory: Failed to allocate memory for requested buffer of size 4294967296");
    const other = errorFromWire(errorToWire(new TypeError("Got invalid dimensions for input: input")));
    expect(other).toBeInstanceOf(JobError);
    expect(other.message).toBe("Got invalid dimensions for input: input");
    expect(errorFromWire({ name: "SomethingNew", message: "m" })).toBeInstanceOf(JobError);
    expect(errorToWire("a string")).toEqual({ name: "JobError", message: "a string" });
  });

  it("map to statuses in one place, inference failures with the `inference failed:` prefix", () => {
    const cases: [Error, number, string][] = [
      [new BadRequestError("Height and width must be divisible by 8"), 400, "Height and width must be divisible by 8"],
      [new PayloadTooLargeError("image is too large"), 413, "image is too large"],
      [new UnsupportedMediaError("image must be a PNG"), 415, "image must be a PNG"],
      [new OutOfMemoryError("out of memory: x"), 500, "inference failed: out of memory: x"],
      [new JobError("bad dims"), 500, "inference failed: bad dims"],
      [new JobAbortedError(), 503, "the job was cancelled: its client disconnected"],
      [new JobDroppedError(), 503, "the client disconnected before the job started; dropped"],
      [new ModelUnavailableError("the model is not ready (ERROR)"), 503, "the model is not ready (ERROR)"],
    ];
    for (const [err, status, message] of cases) {
      expect(statusOf(err)).toBe(status);
      const http = toHttpError(err) as HttpError;
      expect(http).toBeInstanceOf(HttpError);
      expect([http.status, http.message, http.cause]).toEqual([status, message, err]);
    }
    const unknown = new RangeError("a bug");
    expect(statusOf(unknown)).toBeUndefined();
    expect(toHttpError(unknown)).toBe(unknown);
    const http = new HttpError(401, "Invalid bearer token");
    expect(toHttpError(http)).toBe(http);
  });
});
