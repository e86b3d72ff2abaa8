/** @module PSNR measures of the quality tests: plain RGB, and luma with a cropped border as super-resolution papers measure it. */

/** PSNR in dB of two RGB images over all channels and pixels. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

/** BT.601 luma of the RGB pixel at byte offset `i`, on the 16..235 scale (MATLAB's `rgb2ycbcr`, as BasicSR uses). */
const luma = (p: Uint8Array, i: number) => 16 + (65.481 * p[i]! + 128.553 * p[i + 1]! + 24.966 * p[i + 2]!) / 255;

/** PSNR in dB on luma, `crop` pixels cut from every border: the super-resolution benchmark measure. */
export function psnrY(a: Uint8Array, b: Uint8Array, width: number, height: number, crop: number): number {
  let se = 0;
  let n = 0;
  for (let y = crop; y < height - crop; y++) {
    for (let x = crop; x < width - crop; x++) {
      const i = (y * width + x) * 3;
      se += (luma(a, i) - luma(b, i)) ** 2;
      n += 1;
    }
  }
  return 10 * Math.log10((255 * 255) / (se / n));
}
