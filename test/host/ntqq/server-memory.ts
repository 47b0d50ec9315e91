// The QQ media server's memory, inside the native thread: every md5 whose upload
// completed, so a later upload of it finishes without transfer (秒传). An upload still
// in flight teaches it nothing: concurrent first uploads of one md5 each transfer. It keeps
// the bytes of each, for a later download of the media (downloader.ts).
export class ServerMemory {
  private readonly known = new Map<string, Buffer>();

  has(md5: string): boolean {
    return this.known.has(md5);
  }

  complete(md5: string, bytes: Buffer): void {
    this.known.set(md5, bytes);
  }

  bytes(md5: string): Buffer | undefined {
    return this.known.get(md5);
  }

  list(): string[] {
    return [...this.known.keys()];
  }
}
