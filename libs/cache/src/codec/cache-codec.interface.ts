/** Turns values into bytes and back. Implement it to plug in another format. */
export interface CacheCodec {
  /** Stored beside each value; a value written under another id is treated as a miss, not mis-decoded. */
  readonly id: string;
  /** Encodes a value; throw to refuse one (the caller gets `CacheSerializationError`, nothing is written). */
  encode(value: unknown): Buffer | string;
  /** Decodes what `encode` produced. */
  decode(data: Buffer): unknown;
}
