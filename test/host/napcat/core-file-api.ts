// NTQQFileApi (core/apis/file.ts:126-179, §2): md5 of the source, a real type sniff,
// then the copy onto the md5-named media path NTQQ hands out. The copy's result is
// ignored and nothing checks the destination afterwards (§2.3).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileTypeFromFile } from '../media/sniff';
import type { NapCatCore } from './core';
import { runtimeOf } from './runtime';
import { ElementType, type RawMessage, type SendMessageElement } from './types';

const MEDIA = new Set<number>([ElementType.PIC, ElementType.VIDEO, ElementType.PTT, ElementType.FILE]);

export interface UploadFileResult {
  md5: string;
  fileName: string;
  path: string;
  fileSize: number;
  ext: string;
}

/** calculateFileMD5: a streaming read of the whole file. */
export function calculateFileMD5(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('md5');
    fs.createReadStream(filePath)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

export class NTQQFileApi {
  constructor(
    readonly context: NapCatCore['context'],
    readonly core: NapCatCore,
  ) {}

  async copyFile(filePath: string, destPath: string): Promise<void> {
    await this.core.util.copyFile(filePath, destPath);
  }

  /**
   * downloadRawMsgMedia (core/apis/file.ts, v4.18.5): every picture, video, voice and file of
   * the messages downloaded again, all at once, with `force` and no source path (so nothing is
   * unlinked first); each element's path set to the result; the paths returned, in order.
   */
  async downloadRawMsgMedia(msgs: RawMessage[]): Promise<string[]> {
    const isMedia = (e: SendMessageElement) => MEDIA.has(e.elementType);
    const results = await Promise.all(
      msgs.map((m) => Promise.all(m.elements.filter(isMedia).map((e) => this.downloadMedia(m.msgId, m.chatType, m.peerUid, e.elementId, '', '', 120_000, true)))),
    );
    msgs.forEach((m, i) => {
      m.elements.filter(isMedia).forEach((e, k) => {
        const filePath = results[i]?.[k] ?? '';
        if (e.picElement) e.picElement.sourcePath = filePath;
        else if (e.videoElement) e.videoElement.filePath = filePath;
        else if (e.pttElement) e.pttElement.filePath = filePath;
        else if (e.fileElement) e.fileElement.filePath = filePath;
      });
    });
    return results.flat();
  }

  /**
   * downloadMedia: an existing `sourcePath` is returned (or, with `force`, unlinked first); then
   * the kernel's downloadRichMedia, whose completion names the file. (NapCat waits `timeout` for
   * it; the model's kernel always answers.)
   */
  async downloadMedia(msgId: string, _chatType: number, _peerUid: string, elementId: string, _thumbPath: string, sourcePath: string, _timeout = 120_000, force = false): Promise<string> {
    if (sourcePath && fs.existsSync(sourcePath)) {
      if (!force) return sourcePath;
      await fs.promises.unlink(sourcePath).catch(() => undefined);
    }
    return (await this.context.session.getMsgService().downloadRichMedia(msgId, elementId)).filePath;
  }

  async getFileSize(filePath: string): Promise<number> {
    return await this.core.util.getFileSize(filePath);
  }

  async uploadFile(filePath: string, elementType: number = ElementType.PIC, elementSubType = 0, uploadGroupFile = true): Promise<UploadFileResult> {
    runtimeOf(this.core).counters.md5Passes++;
    const md5 = await calculateFileMD5(filePath);
    const sniffed = await fileTypeFromFile(filePath);
    const ext = sniffed ? `.${sniffed.ext}` : '';
    let fileName = path.basename(filePath);
    if (!fileName.includes('.')) fileName += ext;
    const fileSize = await this.getFileSize(filePath);
    if (!uploadGroupFile) return { md5, fileName, path: filePath, fileSize, ext };
    const mediaPath = this.context.session.getMsgService().getRichMediaFilePathForGuild({
      md5HexStr: md5,
      fileName,
      elementType,
      elementSubType,
      thumbSize: 0,
      needCreate: true,
      downloadType: 1,
      file_uuid: '',
    });
    await this.copyFile(filePath, mediaPath);
    return { md5, fileName, path: mediaPath, fileSize, ext };
  }
}
