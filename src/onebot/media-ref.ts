// A media reference in a segment (`url`, `file`, `path`) as NapCat reads it: which field holds
// it (handleOb11FileLikeMessage) and what it is (napcat-common/src/file.ts checkUriType):
// base64://, data: (the part after the first comma), http(s)://, file:// (percent-decoded), or
// a bare path. Both adapters read segments through this file: the plugin's resolver and the
// proxy's planner.

/** The segment fields NapCat looks for a reference in, in its order. */
export type MediaField = 'url' | 'file' | 'path';

export type MediaRef =
  | {
      kind: 'base64';
      /** The text NapCat decodes with Buffer.from(text, 'base64'). */
      base64: string;
      /** Whether the URI says it is base64 (`base64://`, `data:…;base64,`); NapCat decodes a plain `data:` as base64 too. */
      declared: boolean;
      /**
       * The text before `base64` when the URI is nothing else (`uri === prefix + base64`); unset
       * when a second comma follows. A string of its own, never a slice of the URI: a slice keeps
       * all of a long string alive in V8, and callers keep the prefix after letting the URI go.
       */
      prefix?: string;
    }
  | { kind: 'url'; url: string }
  | { kind: 'file'; path: string }
  /** Anything else: a bare path if it exists where NapCat runs, else NapCat's own file token or an error. */
  | { kind: 'other'; text: string };

const DATA_BASE64 = /^data:[^,]*;base64,/i;

export function parseMediaRef(uri: string): MediaRef {
  if (/^https?:\/\//i.test(uri)) return { kind: 'url', url: uri };
  if (uri.startsWith('base64://')) return { kind: 'base64', base64: uri.slice('base64://'.length), declared: true, prefix: 'base64://' };
  const declared = DATA_BASE64.test(uri);
  if (declared || uri.startsWith('data:')) {
    // NapCat takes what lies between the first and the second comma (`uri.split(',')[1]`),
    // and nothing there is no base64 to NapCat either.
    const parts = uri.split(',');
    if (!parts[1]) return { kind: 'other', text: uri };
    return { kind: 'base64', base64: parts[1], declared, ...(parts.length === 2 && { prefix: detached(`${parts[0]},`) }) };
  }
  if (uri.startsWith('file://')) {
    // NapCat strips `file:///` on Windows and `file://` elsewhere; a drive letter tells which.
    const rest = /^file:\/\/\/[A-Za-z]:[\\/]/.test(uri) ? uri.slice(8) : uri.slice(7);
    try {
      return { kind: 'file', path: decodeURIComponent(rest) };
    } catch {
      return { kind: 'other', text: uri };
    }
  }
  return { kind: 'other', text: uri };
}

/** The `file://` URI NapCat decodes back to exactly `path` (POSIX or a Windows drive path). */
export function fileUri(path: string): string {
  const encoded = path.replace(/%/g, '%25');
  return /^[A-Za-z]:[\\/]/.test(path) ? `file:///${encoded}` : `file://${encoded}`;
}

/**
 * The field NapCat reads the reference from: the first of `url`, `file`, `path` that is set and
 * not blank (`[url, file, path].find(uri => uri && uri.trim())`, napcat-pipeline.md §1.1 step 7).
 * Undefined when none is, or when the one NapCat picks is no string: NapCat's own call throws on
 * it, so the request is NapCat's to fail.
 */
export function mediaFieldOf(data: Record<string, unknown>): MediaField | undefined {
  for (const key of ['url', 'file', 'path'] as const) {
    const value = data[key];
    if (!value) continue;
    if (typeof value !== 'string') return undefined;
    if (value.trim()) return key;
  }
  return undefined;
}

/** `text` as a string of its own: a slice of a long string keeps all of it alive in V8. */
function detached(text: string): string {
  return text.length < 2 ? text : text.split('').join('');
}
