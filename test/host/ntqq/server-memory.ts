// The QQ media server's memory, inside the native thread: every md5 whose upload
// completed, so a later upload of it finishes without transfer (秒传). An upload still
// in flight teaches it nothing: concurrent first uploads of one md5 each transfer.
export class ServerMemory {
  private readonly known = new Set<string>();

  has(md5: string): boolean {
    return this.known.has(md5);
  }

  complete(md5: string): void {
    this.known.add(md5);
  }

  list(): string[] {
    return [...this.known];
  }
}
