// Hashing a file by streaming it: sha-256 (the identity) and md5 (what NTQQ needs) in one
// read. No whole-file buffer.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileDigest } from './incoming';

export function digestFile(file: string): Promise<FileDigest> {
  return new Promise((resolve, reject) => {
    const sha = createHash('sha256');
    const md5 = createHash('md5');
    let size = 0;
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => {
        const bytes = chunk as Buffer;
        sha.update(bytes);
        md5.update(bytes);
        size += bytes.length;
      })
      .on('end', () => resolve({ hash: sha.digest('hex'), md5: md5.digest('hex'), size }));
  });
}
