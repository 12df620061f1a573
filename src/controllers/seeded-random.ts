import { createHash } from 'node:crypto';

/**
 * A seeded pseudo-random generator (sfc32, 128 bits of state): the same seed always yields the
 * same sequence, so a reconcile's random choices repeat when it is re-run from the same state.
 * Not for cryptography: its only job is to be reproducible.
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** Any string or number seeds it; its SHA-256 fills the state, so similar seeds give unrelated sequences. */
  constructor(seed: string | number) {
    const digest = createHash('sha256').update(String(seed)).digest();
    this.#a = digest.readUInt32LE(0);
    this.#b = digest.readUInt32LE(4);
    this.#c = digest.readUInt32LE(8);
    this.#d = digest.readUInt32LE(12);
    // The first outputs of sfc32 still correlate with the seed; the reference implementation discards them.
    for (let round = 0; round < 12; round += 1) this.uint32();
  }

  /** The next unsigned 32-bit integer. */
  uint32(): number {
    const sum = (this.#a + this.#b) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#d = (this.#d + 1) | 0;
    const result = (sum + this.#d) | 0;
    this.#c = (this.#c + result) | 0;
    return result >>> 0;
  }

  /** A number in [0, 1) with 53 random bits, as `Math.random` returns. */
  float(): number {
    const high = this.uint32() >>> 5;
    const low = this.uint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** An integer in [minimum, maximum). */
  integer(minimum: number, maximum: number): number {
    return minimum + Math.floor(this.float() * (maximum - minimum));
  }

  /** Overwrites every byte of `bytes` with random bytes. */
  fill(bytes: Uint8Array): void {
    for (let index = 0; index < bytes.length; index += 4) {
      let word = this.uint32();
      for (let offset = 0; offset < 4 && index + offset < bytes.length; offset += 1) {
        bytes[index + offset] = word & 0xff;
        word >>>= 8;
      }
    }
  }

  /** A version 4 UUID in canonical form, as `crypto.randomUUID` returns. */
  uuid(): string {
    const bytes = new Uint8Array(16);
    this.fill(bytes);
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = Buffer.from(bytes).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
