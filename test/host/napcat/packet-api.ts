// core.apis.PacketApi: `packetStatus` says whether forward messages go through
// NapCat's own packet/highway path (§1.4). The highway needs the kernel's link and
// media server (in the native thread); it is NapCat code a plugin cannot wrap.
import type { NativeClient } from '../ntqq/native-client';
import type { PicElement } from './types';

export class PacketApi {
  constructor(
    public packetStatus: boolean,
    private readonly native: NativeClient,
  ) {}

  /** UploadResources: every picture in parallel; any failure is `上传转发消息资源失败：n/m`. */
  async uploadForwardResources(pics: PicElement[]): Promise<void> {
    const results = await Promise.allSettled(pics.map((pic) => this.native.highway({ path: pic.sourcePath, size: Number(pic.fileSize), md5: pic.md5HexStr })));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      throw new AggregateError(
        failed.map((r) => r.reason),
        `上传转发消息资源失败：${failed.length}/${results.length}`,
      );
    }
  }
}
