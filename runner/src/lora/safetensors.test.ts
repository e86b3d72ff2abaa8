/** @module The safetensors reader: F32, F16 and BF16 tensors, and a header length checked before the header is read. */
import { expect, it } from "vitest";
import { readSafetensors, writeSafetensors } from "./safetensors.js";

it("reads F16 and BF16 safetensors", () => {
  const bytes = writeSafetensors({ a: { shape: [2], data: Float32Array.of(1.5, -2) } });
  const parsed = readSafetensors(bytes);
  expect(Array.from(parsed.tensors.get("a")?.data ?? [])).toEqual([1.5, -2]);
  // Rewrite the header's dtype by hand: F16 halves of 1.5 and −2 are 0x3e00 and 0xc000; BF16 are 0x3fc0 and 0xc000.
  for (const [dtype, halves] of [
    ["F16", [0x3e00, 0xc000]],
    ["BF16", [0x3fc0, 0xc000]],
  ] as const) {
    const head = new TextEncoder().encode(JSON.stringify({ a: { dtype, shape: [2], data_offsets: [0, 4] } }));
    const file = new Uint8Array(8 + head.length + 4);
    new DataView(file.buffer).setBigUint64(0, BigInt(head.length), true);
    file.set(head, 8);
    file.set(new Uint8Array(Uint16Array.from(halves).buffer), 8 + head.length);
    expect(Array.from(readSafetensors(file).tensors.get("a")?.data ?? [])).toEqual([1.5, -2]);
  }
  expect(() => readSafetensors(new Uint8Array(4))).toThrow(/shorter than its 8-byte header/);
});

it("checks the header length against the file and the format's 100 MB before reading the header", () => {
  const claiming = (length: bigint, size: number) => {
    const file = new Uint8Array(size).fill(0x20);
    new DataView(file.buffer).setBigUint64(0, length, true);
    return file;
  };
  expect(() => readSafetensors(claiming(100n, 64))).toThrow(/header length 100 exceeds the file/);
  expect(() => readSafetensors(claiming(100_000_001n, 64))).toThrow(/header length 100000001 is over the format's/);
  expect(() => readSafetensors(claiming(2n ** 64n - 1n, 64))).toThrow(/is over the format's 100000000/);
  expect(() => readSafetensors(claiming(56n, 64))).toThrow(/the header is not JSON/);
});

it("refuses header entries of the wrong JSON type with a message about the file, not about JavaScript", () => {
  const file = (header: unknown) => {
    const head = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + head.length + 4);
    new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
    out.set(head, 8);
    return out;
  };
  const read = (header: unknown) => () => readSafetensors(file(header));
  expect(read({ a: { dtype: "F32", shape: "abc", data_offsets: [0, 4] } })).toThrow(
    /^safetensors tensor a: shape must be a list of whole numbers ≥ 0, got "abc"$/,
  );
  expect(read({ a: null })).toThrow(/^safetensors tensor a: its header entry is not an object$/);
  expect(read({ a: { dtype: "F32", shape: [1] } })).toThrow(/data_offsets must be two whole numbers ≥ 0, got nothing$/);
  expect(read({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } })).toThrow(/shape must be a list/);
  expect(read({ a: { dtype: 7, shape: [1], data_offsets: [0, 4] } })).toThrow(/dtype is missing or not a string$/);
  expect(read([1])).toThrow(/the header is not a JSON object$/);
});
