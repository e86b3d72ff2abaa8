/**
 * @module The PSI sections of an MPEG-TS (ISO/IEC 13818-1 §2.4.4: the PAT, a PMT) gathered from the payloads of their
 * PID's packets: a section may start anywhere in a payload (after the `pointer_field` of a packet that starts one)
 * and run on into the next packets of its PID, as a PMT listing many streams does (a PMT section holds up to 1021
 * bytes, a packet's payload 184). A section is handed on only when its CRC_32 holds, so a section whose packets were
 * lost or damaged is passed over for its next repetition, as ffmpeg's demuxer passes it over.
 */

/** The longest PAT or PMT section: 3 bytes and a section_length of at most 1021 (§2.4.4.3, §2.4.4.8). */
const MAX_SECTION = 1024;

/** The CRC-32 of MPEG-2 sections (§2.4.4, Annex A: polynomial 0x04C11DB7, most significant bit first, no inversion). */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n << 24;
  for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
  return c >>> 0;
});

/**
 * The CRC-32 of `bytes` as MPEG-2 sections compute it; 0 over a whole section, its CRC_32 field included, when the
 * section is intact.
 * @example mpegCrc32(section) // 0
 */
export function mpegCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  return crc;
}

/** One PID's sections, gathered packet by packet. */
export class PsiSections {
  readonly #bytes = new Uint8Array(MAX_SECTION);
  #have = 0;
  /** Whether a section has started and is not complete. */
  #open = false;

  /**
   * The next packet's payload (`start`: its payload_unit_start_indicator) for this PID: the section it completes,
   * from its table_id to before its CRC_32 (its bytes valid until the next push), or undefined. When the payload
   * also starts a section, the bytes before its pointer end the open one.
   */
  push(payload: Uint8Array, start: boolean): Uint8Array | undefined {
    if (!start) return this.#open ? this.#append(payload) : undefined;
    const pointer = payload[0] ?? 0;
    const ended = this.#open ? this.#append(payload.subarray(1, 1 + pointer)) : undefined;
    if (ended) return ended;
    this.#have = 0;
    this.#open = true;
    return this.#append(payload.subarray(1 + pointer));
  }

  #append(bytes: Uint8Array): Uint8Array | undefined {
    const take = Math.min(bytes.length, MAX_SECTION - this.#have);
    this.#bytes.set(bytes.subarray(0, take), this.#have);
    this.#have += take;
    if (this.#have < 3) return undefined;
    const total = 3 + (((this.#bytes[1]! & 0x0f) << 8) | this.#bytes[2]!);
    if (total > MAX_SECTION || total < 12) this.#open = false;
    if (!this.#open || this.#have < total) return undefined;
    this.#open = false;
    const section = this.#bytes.subarray(0, total);
    return mpegCrc32(section) === 0 ? section.subarray(0, total - 4) : undefined;
  }
}
