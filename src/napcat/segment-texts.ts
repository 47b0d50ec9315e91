import { NormalPaths } from '../store/normal-paths';
import type { SendScopes } from './send-scopes';
import type { MediaField } from '../onebot/media-ref';
import type { Segment } from '../onebot/segment';

/** The URI a let-go field held, to put back. */
interface Held {
  readonly uri: string;
}

/**
 * A segment's base64 text, let go while its send runs and put back when the send ends.
 *
 * NapCat keeps each request's parsed payload (7 MB of text for a 5 MB image) until the send
 * returns, and with the plugin the sends of one image wait together for its first upload, so
 * pointing the field at the store file while the send runs lets those texts go (peak RSS with
 * 50 × 5 MB, docs/bench.md). But callers reuse message objects (other plugins, quick replies;
 * NapCat's action `check` assigns its parsed copy back onto the caller's payload): once the
 * send is over the field holds the caller's URI again, because a store path would outlive its
 * file. A send that meets a path another running send let go of (one object sent twice at
 * once) leases the same store file and puts that object back too when it ends.
 */
export class SegmentTexts {
  readonly #scopes: SendScopes;
  /** Store path → the URI it stands in for, while a send that let go of one is running. */
  readonly #standIns = new Map<string, WeakRef<Held>>();
  readonly #keys = new NormalPaths();
  readonly #forget = new FinalizationRegistry<{ key: string; ref: WeakRef<Held> }>(({ key, ref }) => {
    if (this.#standIns.get(key) === ref) this.#standIns.delete(key);
  });

  constructor(scopes: SendScopes) {
    this.#scopes = scopes;
  }

  /**
   * Points `segment.data[field]` at `storePath` for the rest of the current send, then back at
   * `uri`. Only inside a send scope (something must end it), and never on a read-only segment.
   */
  letGo(segment: Segment, field: MediaField, storePath: string, uri: string): void {
    if (!this.#scopes.current()) return;
    try {
      segment.data[field] = storePath;
    } catch {
      return; // frozen: only memory is at stake, never the send
    }
    const held: Held = { uri };
    const key = this.#keys.of(storePath);
    const ref = new WeakRef(held);
    this.#standIns.set(key, ref);
    this.#forget.register(held, { key, ref });
    this.#putBackAtEnd(segment, field, storePath, held);
  }

  /**
   * For a segment whose field holds a store path another running send let go of: puts this
   * segment's field back as well when the current send ends. False when no such send runs.
   */
  putBackToo(segment: Segment, field: MediaField, storePath: string): boolean {
    const held = this.#standIns.get(this.#keys.of(storePath))?.deref();
    if (!held || !this.#scopes.current()) return false;
    this.#putBackAtEnd(segment, field, storePath, held);
    return true;
  }

  #putBackAtEnd(segment: Segment, field: MediaField, storePath: string, held: Held): void {
    const release = () => {
      if (segment.data[field] === storePath) segment.data[field] = held.uri;
    };
    this.#scopes.hold({ release }, `segment text (${storePath})`);
  }
}
