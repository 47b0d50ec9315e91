// The fast path for a repeated image (anchors A10): every request carries its own copy of the
// same base64 text, and a Map keyed by the text itself finds the entry with one memory compare
// (V8 hashes very long strings by length only): no decode, no hash, no disk. Exact equality
// makes it collision-safe. The price is memory, the key strings it keeps alive, so it is an
// LRU bounded by a byte budget.
import { LRUCache } from 'lru-cache';

// A key is a one-byte string: its characters are its bytes; add a little for the map slot.
const KEY_OVERHEAD = 64;

/** What the index holds for a text: its content hash, and the text itself (the key string). */
export interface IndexedText {
  readonly hash: string;
  readonly text: string;
}

export class Base64Index {
  private readonly byText: LRUCache<string, IndexedText> | undefined;
  private readonly byHash = new Map<string, Set<string>>();

  constructor(budgetBytes: number) {
    this.byText =
      budgetBytes > 0
        ? new LRUCache<string, IndexedText>({
            max: 65_536,
            maxSize: budgetBytes,
            sizeCalculation: (_indexed, text) => text.length + KEY_OVERHEAD,
            dispose: (indexed, text) => this.unlink(indexed.hash, text),
          })
        : undefined;
  }

  /**
   * The content hash last stored for exactly this text, with the text as the index keeps it:
   * every hit hands out that same string, so a caller that keeps texts can tell it from a copy.
   */
  get(text: string): IndexedText | undefined {
    return this.byText?.get(text);
  }

  remember(text: string, hash: string): void {
    if (!this.byText || this.byText.get(text)?.hash === hash) return;
    this.byText.set(text, { hash, text });
    if (!this.byText.has(text)) return; // larger than the whole budget: not kept
    let texts = this.byHash.get(hash);
    if (!texts) this.byHash.set(hash, (texts = new Set()));
    texts.add(text);
  }

  /** Drops every text that maps to `hash` (its file is going away). */
  forget(hash: string): void {
    const texts = this.byHash.get(hash);
    if (!texts) return;
    this.byHash.delete(hash);
    for (const text of texts) this.byText?.delete(text);
  }

  /** Bytes of key text held. */
  get bytes(): number {
    return this.byText?.calculatedSize ?? 0;
  }

  clear(): void {
    this.byText?.clear();
    this.byHash.clear();
  }

  private unlink(hash: string, text: string): void {
    const texts = this.byHash.get(hash);
    if (!texts) return;
    texts.delete(text);
    if (texts.size === 0) this.byHash.delete(hash);
  }
}
