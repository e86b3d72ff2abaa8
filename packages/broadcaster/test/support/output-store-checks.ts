/** @module What the output-store tests share: byte fixtures and the Range checks through a broadcaster. */
import { type RangeCase, rangeProblems } from "@ai-video-subnet/test-kit";
import { expect } from "vitest";
import { outputName } from "../../src/outputs/store.js";

/** A stream of `bytes`. */
export const streamOf = (bytes: Uint8Array) => new Response(bytes as Uint8Array<ArrayBuffer>).body!;
/** All the bytes of a stream. */
export const bytesOf = async (s: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(s).arrayBuffer());
/** 300 kB of a repeating pattern. */
export const DATA = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);

/** The answers of the broadcaster at `url` to Range requests for `name`: no problems, and a 404 for another name. */
export async function expectRanges(
  url: string,
  name: string,
  bytes: Uint8Array,
  more: RangeCase[] = [],
): Promise<void> {
  expect(await rangeProblems(`${url}/outputs/${name}`, bytes, more)).toEqual([]);
  const missing = await fetch(`${url}/outputs/${outputName("mp4")}`, { headers: { range: "bytes=0-9" } });
  expect(missing.status).toBe(404);
  await missing.body?.cancel();
}
