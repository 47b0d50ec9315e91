// File extension from the content, by npm `file-type`: the name NTQQ and clients see must match
// the bytes, and must not come from anything a client says. Using the very detector (and
// version) a host application uses means the store names a file as that host would (APNG,
// AVIF, HEIC, QuickTime… included), and a format it does not know gets no extension, as there.
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';

const dotted = (found: { ext: string } | undefined): string => (found ? `.${found.ext}` : '');

/** `.<ext>` as file-type names `bytes`, or '' when it does not know them (or cannot read them). */
export function sniffExtension(bytes: Uint8Array): Promise<string> {
  return fileTypeFromBuffer(bytes).then(dotted, () => '');
}

/** As `sniffExtension`, for a file on disk (file-type reads only what it needs of it). */
export function sniffFileExtension(file: string): Promise<string> {
  return fileTypeFromFile(file).then(dotted, () => '');
}
