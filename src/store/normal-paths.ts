import path from 'node:path';

/**
 * `path.normalize`, remembered for the paths met lately. Every send asks about the same few
 * paths several times (its store file, its NTQQ copy), and normalize walks each one in JS.
 * Bounded: past `max` paths the memo starts over.
 */
export class NormalPaths {
  readonly #keys = new Map<string, string>();
  readonly #max: number;

  constructor(max = 1_000) {
    this.#max = max;
  }

  of(file: string): string {
    let key = this.#keys.get(file);
    if (key === undefined) {
      if (this.#keys.size >= this.#max) this.#keys.clear();
      key = path.normalize(file);
      this.#keys.set(file, key);
    }
    return key;
  }
}
