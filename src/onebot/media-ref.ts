// A media reference in a segment (`file`, `url`, `path`) as NapCat's URI resolution reads
// it (napcat-common/src/file.ts checkUriType): base64://, data: (mime ignored, the part
// after the first comma), http(s)://, file:// (percent-decoded), or a bare path.
export type MediaRef =
  | { kind: 'base64'; base64: string }
  | { kind: 'url'; url: string }
  | { kind: 'file'; path: string }
  /** Anything else: a bare path if it exists where NapCat runs, else NapCat's own file token or an error. */
  | { kind: 'other'; text: string };

export function parseMediaRef(uri: string): MediaRef {
  if (/^https?:\/\//.test(uri)) return { kind: 'url', url: uri };
  if (uri.startsWith('base64://')) return { kind: 'base64', base64: uri.slice('base64://'.length) };
  if (uri.startsWith('data:')) return { kind: 'base64', base64: uri.split(',')[1] ?? '' };
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

/** The reference NapCat uses: the first non-blank of `url`, `file`, `path`; undefined when none is. */
export function mediaFieldOf(data: Record<string, unknown>): 'url' | 'file' | 'path' | undefined {
  return (['url', 'file', 'path'] as const).find((key) => {
    const value = data[key];
    return typeof value === 'string' && value.trim() !== '';
  });
}
