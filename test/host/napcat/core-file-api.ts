// NTQQFileApi (core/apis/file.ts:126-179, §2): md5 of the source, a real type sniff,
// then the copy onto the md5-named media path NTQQ hands out. The copy's result is
// ignored and nothing checks the destination afterwards (§2.3).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileTypeFromFile } from '../media/sniff';
import type { NapCatCore } from './core';
import { runtimeOf } from './runtime';
import { ElementType } from './types';

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
