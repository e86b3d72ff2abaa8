/**
 * @module Padding frames to sizes a FILM model takes, and cropping its output back. As FILM's reference
 * (`eval/interpolator.py`, `_pad_to_align`): zeros around the frame, centred (the extra pixel of an odd padding
 * goes to the bottom / right), so the model sees the frame in the middle of its canvas.
 */
import type { RgbImage } from "../../image/decode.js";
import { type FilmSignature, frameTooLarge } from "./film-signature.js";

/** Where a `width`×`height` frame sits on the model's canvas. */
export interface Padding {
  width: number;
  height: number;
  /** Canvas size. */
  paddedWidth: number;
  paddedHeight: number;
  top: number;
  left: number;
}

/**
 * The canvas a frame is run on: its sides rounded up to `align` (dynamic models) or the model's fixed size.
 * @throws {FrameInterpolationError} `frame-too-large` when the frame exceeds a fixed-size model.
 * @example padFor({ align: 64 } as FilmSignature, 100, 64) // { paddedWidth: 128, paddedHeight: 64, left: 14, top: 0, … }
 */
export function padFor(sig: Pick<FilmSignature, "align" | "fixedSize">, width: number, height: number): Padding {
  let paddedWidth = Math.ceil(width / sig.align) * sig.align;
  let paddedHeight = Math.ceil(height / sig.align) * sig.align;
  if (sig.fixedSize) {
    if (width > sig.fixedSize.width || height > sig.fixedSize.height) {
      throw frameTooLarge(sig, width, height);
    }
    [paddedWidth, paddedHeight] = [sig.fixedSize.width, sig.fixedSize.height];
  }
  const top = Math.floor((paddedHeight - height) / 2);
  const left = Math.floor((paddedWidth - width) / 2);
  return { width, height, paddedWidth, paddedHeight, top, left };
}

const fits = (p: Padding) => p.paddedWidth === p.width && p.paddedHeight === p.height;

/**
 * The frame's pixels on the padded canvas (the same array when no padding is needed).
 * @example padPixels(frame, padFor(sig, frame.width, frame.height))
 */
export function padPixels(frame: RgbImage, p: Padding): Uint8Array {
  if (fits(p)) return frame.pixels;
  const out = new Uint8Array(p.paddedWidth * p.paddedHeight * 3);
  const row = p.width * 3;
  for (let y = 0; y < p.height; y++) {
    out.set(frame.pixels.subarray(y * row, y * row + row), ((p.top + y) * p.paddedWidth + p.left) * 3);
  }
  return out;
}

/**
 * The frame's region of a padded canvas's pixels (the same array when there is no padding).
 * @example const frame = { width, height, pixels: cropPixels(canvas, p) }
 */
export function cropPixels(canvas: Uint8Array, p: Padding): Uint8Array {
  if (fits(p)) return canvas;
  const out = new Uint8Array(p.width * p.height * 3);
  const row = p.width * 3;
  for (let y = 0; y < p.height; y++) {
    const from = ((p.top + y) * p.paddedWidth + p.left) * 3;
    out.set(canvas.subarray(from, from + row), y * row);
  }
  return out;
}
