/**
 * The set of fingerprints seen, numbered in the order they were added: 16 bytes per fingerprint in
 * one typed array plus an open-addressing hash table of indices, instead of a Map of 32-character
 * strings (about four times the memory), because a search may hold millions of them.
 */
import type { Fingerprint } from './model.ts';

const WORDS = 4;
const INITIAL_CAPACITY = 1024;

/** Fingerprints as four 32-bit words each, with lookup by value and order by value. */
export class FingerprintTable {
  #words = new Uint32Array(WORDS * INITIAL_CAPACITY);
  #count = 0;
  /** index + 1 of the fingerprint in each slot; 0: empty. At most half full, so probes stay short. */
  #slots = new Uint32Array(2 * INITIAL_CAPACITY);
  readonly #parsed = new Uint32Array(WORDS);
  #parsedFound = true;

  /** How many fingerprints the table holds. */
  get size(): number {
    return this.#count;
  }

  /** The index of `fingerprint`, or -1 when absent (then `addLookedUp` adds it without parsing it again). */
  lookup(fingerprint: Fingerprint): number {
    parseFingerprint(fingerprint, this.#parsed);
    const slot = this.#probe(this.#parsed);
    const entry = this.#slots[slot]!;
    this.#parsedFound = entry !== 0;
    return entry - 1;
  }

  /** Adds the fingerprint of the last `lookup`, which must have returned -1; returns its index. */
  addLookedUp(): number {
    if (this.#parsedFound) throw new Error('addLookedUp: the last fingerprint looked up is already in the table');
    if ((this.#count + 1) * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    if (this.#count * WORDS === this.#words.length) {
      const words = new Uint32Array(this.#words.length * 2);
      words.set(this.#words);
      this.#words = words;
    }
    const index = this.#count;
    this.#words.set(this.#parsed, index * WORDS);
    this.#slots[this.#probe(this.#parsed)] = index + 1;
    this.#count += 1;
    this.#parsedFound = true;
    return index;
  }

  /** Orders two stored fingerprints by value (the order of their lowercase hexadecimal text). */
  compare(first: number, second: number): number {
    const words = this.#words;
    for (let word = 0; word < WORDS; word += 1) {
      const difference = words[first * WORDS + word]! - words[second * WORDS + word]!;
      if (difference !== 0) return difference;
    }
    return 0;
  }

  /** The stored fingerprint as 32 lowercase hexadecimal digits. */
  text(index: number): Fingerprint {
    let text = '';
    for (let word = 0; word < WORDS; word += 1) text += this.#words[index * WORDS + word]!.toString(16).padStart(8, '0');
    return text;
  }

  /** The slot holding `words`, or the empty slot where they belong. */
  #probe(words: Uint32Array): number {
    const stored = this.#words;
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let slot = mix(words) & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === 0) return slot;
      const offset = (entry - 1) * WORDS;
      if (stored[offset] === words[0] && stored[offset + 1] === words[1] && stored[offset + 2] === words[2] && stored[offset + 3] === words[3]) return slot;
    }
  }

  #rehash(slotCount: number): void {
    const slots = new Uint32Array(slotCount);
    const mask = slotCount - 1;
    const stored = this.#words;
    for (let index = 0; index < this.#count; index += 1) {
      let slot = mix(stored.subarray(index * WORDS, index * WORDS + WORDS)) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
    }
    this.#slots = slots;
  }
}

/** Parses 32 hexadecimal digits into four big-endian words; throws on anything else (a bug in the model). */
function parseFingerprint(fingerprint: Fingerprint, into: Uint32Array): void {
  if (typeof fingerprint !== 'string' || fingerprint.length !== 32) throw new TypeError(`a fingerprint must be 32 hexadecimal digits, got ${JSON.stringify(fingerprint)}`);
  for (let word = 0; word < WORDS; word += 1) {
    let value = 0;
    for (let position = word * 8; position < word * 8 + 8; position += 1) {
      const code = fingerprint.charCodeAt(position);
      let digit: number;
      if (code >= 48 && code <= 57) digit = code - 48;
      else if (code >= 97 && code <= 102) digit = code - 87;
      else if (code >= 65 && code <= 70) digit = code - 55;
      else throw new TypeError(`a fingerprint must be 32 hexadecimal digits, got ${JSON.stringify(fingerprint)}`);
      value = (value << 4) | digit;
    }
    into[word] = value >>> 0;
  }
}

/** Spreads all four words over the hash, so fingerprints that are not uniformly random (counters, hand-written ones) still spread. */
function mix(words: Uint32Array): number {
  let hash = words[0]! ^ Math.imul(words[1]!, 0x9e3779b1) ^ Math.imul(words[2]!, 0x85ebca77) ^ Math.imul(words[3]!, 0xc2b2ae3d);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
