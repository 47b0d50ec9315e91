// OneBotFileApi (onebot/api/file.ts, §3): builds send elements from a local path via
// core.FileApi.uploadFile, and decides which paths go on deleteAfterSentFiles. The
// picture builder pushes the SHARED media path and reads the source again after the
// copy (image size twice, file type: §9 item 4).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeJpeg, makePng } from '../media/samples';
import { fileTypeFromFile, imageSizeFromFile } from '../media/sniff';
import { calculateFileMD5 } from './core-file-api';
import type { NapCatCore } from './core';
import type { NapCatOneBot11Adapter } from './onebot';
import { runtimeOf } from './runtime';
import { encodeSilk } from './silk';
import { ElementType, PicType, type SendMessageContext, type SendMessageElement } from './types';

let defaultThumbs: { png: Buffer; jpg: Buffer } | undefined;

/** defaultVideoThumbB64: what NapCat writes when ffmpeg cannot make a thumbnail (always, here). */
function defaultThumb(kind: 'png' | 'jpg'): Buffer {
  defaultThumbs ??= { png: makePng({ width: 64, height: 36, bytes: 1, seed: 77 }), jpg: makeJpeg({ width: 64, height: 36, bytes: 2048, seed: 77 }) };
  return defaultThumbs[kind];
}

async function getFileTypeForSendType(filePath: string): Promise<number> {
  return (await fileTypeFromFile(filePath))?.ext === 'gif' ? PicType.NEWPIC_GIF : PicType.NEWPIC_JPEG;
}

/**
 * FFmpegService.getVideoInfo (+ the legacy thumbnail extraction) between the copy and the send:
 * ffmpeg reads the video's source (the ext-fixed copy where one was made) and writes the
 * thumbnail. The samples are no real video, so it fails after reading, as it would, and NapCat
 * writes its default thumbnail instead. A source deleted or rewritten meanwhile fails the read.
 */
async function ffmpegVideoInfo(source: string, thumbPath: string, fallback: Buffer): Promise<void> {
  try {
    await fs.promises.readFile(source);
    throw new Error('ffmpeg: invalid data found when processing input');
  } catch {
    fs.writeFileSync(thumbPath, fallback);
  }
}

export class OneBotFileApi {
  constructor(
    readonly obContext: NapCatOneBot11Adapter,
    readonly core: NapCatCore,
  ) {}

  async createValidSendFileElement(
    context: SendMessageContext,
    filePath: string,
    fileName = '',
    folderId = '',
    uploadGroupFile = false,
    _isLocal = false,
  ): Promise<SendMessageElement> {
    const uploaded = await this.core.apis.FileApi.uploadFile(filePath, ElementType.FILE, 0, uploadGroupFile);
    if (uploaded.fileSize === 0) throw new Error('文件异常，大小为0');
    if (uploadGroupFile) context.deleteAfterSentFiles.push(uploaded.path);
    return {
      elementType: ElementType.FILE,
      elementId: '',
      fileElement: { fileName: fileName || uploaded.fileName, folderId, filePath: uploaded.path, fileSize: String(uploaded.fileSize) },
    };
  }

  async createValidSendPicElement(context: SendMessageContext, picPath: string, summary = '', subType = 0, _isLocal = false): Promise<SendMessageElement> {
    const { md5, fileName, path: mediaPath, fileSize } = await this.core.apis.FileApi.uploadFile(picPath, ElementType.PIC, subType);
    if (fileSize === 0) throw new Error('文件异常，大小为0');
    const width = (await imageSizeFromFile(picPath))?.width ?? 1024;
    const height = (await imageSizeFromFile(picPath))?.height ?? 1024;
    context.deleteAfterSentFiles.push(mediaPath);
    return {
      elementType: ElementType.PIC,
      elementId: '',
      picElement: {
        md5HexStr: md5,
        fileSize: String(fileSize),
        picWidth: width,
        picHeight: height,
        fileName,
        sourcePath: mediaPath,
        original: true,
        picType: await getFileTypeForSendType(picPath),
        picSubType: subType,
        fileUuid: '',
        fileSubId: '',
        thumbFileSize: 0,
        summary,
      },
    };
  }

  async createValidSendVideoElement(context: SendMessageContext, filePath: string, fileName = '', diyThumbPath = '', isLocal = false): Promise<SendMessageElement> {
    const rt = runtimeOf(this.core);
    let ext = 'mp4';
    try {
      ext = (await fileTypeFromFile(filePath))?.ext ?? ext;
    } catch (err) {
      rt.log('error', '获取文件类型失败', err);
    }
    let source = filePath;
    // ≤ v4.17.48 copies every video to `${src}.${ext}` beside its source, whatever its name;
    // v4.17.49+ copies only when the extension differs: a local source into temp, anything else beside it.
    const needsCopy = rt.shape === 'legacy' || path.extname(source).slice(1).toLowerCase() !== ext.toLowerCase();
    if (needsCopy) {
      const fixed = isLocal && rt.shape === 'new' ? path.join(this.core.NapCatTempPath, `${crypto.randomUUID()}.${ext}`) : `${source}.${ext}`;
      fs.copyFileSync(source, fixed);
      context.deleteAfterSentFiles.push(fixed);
      source = fixed;
    }
    const uploaded = await this.core.apis.FileApi.uploadFile(source, ElementType.VIDEO);
    context.deleteAfterSentFiles.push(uploaded.path);
    if (uploaded.fileSize === 0) throw new Error('文件异常，大小为0');
    const thumbKind = context.usePacketVideoMetadata ? 'jpg' : 'png';
    const thumbDir = path.dirname(uploaded.path.replace(`${path.sep}Ori${path.sep}`, `${path.sep}Thumb${path.sep}`));
    fs.mkdirSync(thumbDir, { recursive: true });
    const thumbPath = path.join(thumbDir, `${uploaded.md5}_0.${thumbKind}`);
    await ffmpegVideoInfo(source, thumbPath, defaultThumb(thumbKind));
    if (diyThumbPath) await this.core.apis.FileApi.copyFile(diyThumbPath, thumbPath);
    context.deleteAfterSentFiles.push(thumbPath);
    const thumbSize = (await fs.promises.stat(thumbPath)).size;
    const thumbMd5 = await calculateFileMD5(thumbPath);
    return {
      elementType: ElementType.VIDEO,
      elementId: '',
      videoElement: {
        fileName: (fileName || uploaded.fileName).toLowerCase().endsWith(`.${ext.toLowerCase()}`) ? fileName || uploaded.fileName : `${fileName || uploaded.fileName}.${ext}`,
        filePath: uploaded.path,
        videoMd5: uploaded.md5,
        thumbMd5,
        fileTime: 15,
        thumbPath: new Map([[0, thumbPath]]),
        thumbSize,
        thumbWidth: 64,
        thumbHeight: 36,
        fileSize: String(uploaded.fileSize),
        ...(context.usePacketVideoMetadata ? { fileFormat: 2, fileWidth: 1920, fileHeight: 1080 } : {}),
      },
    };
  }

  async createValidSendPttElement(_context: SendMessageContext, pttPath: string): Promise<SendMessageElement> {
    const rt = runtimeOf(this.core);
    const silk = await encodeSilk(pttPath, this.core.NapCatTempPath, rt.counters);
    const { md5, fileName, path: mediaPath, fileSize } = await this.core.apis.FileApi.uploadFile(silk.path, ElementType.PTT);
    if (fileSize === 0) throw new Error('文件异常，大小为0');
    if (silk.converted) fs.promises.unlink(silk.path).catch((err: unknown) => rt.log('error', '删除临时文件失败', err));
    return {
      elementType: ElementType.PTT,
      elementId: '',
      pttElement: {
        fileName,
        filePath: mediaPath,
        md5HexStr: md5,
        fileSize: String(fileSize),
        duration: silk.duration,
        formatType: 1,
        voiceType: 1,
        voiceChangeType: 0,
        canConvert2Text: true,
        waveAmplitudes: [0, 18, 9, 23, 16, 17, 16, 15, 44, 17, 24, 20, 14, 15, 17],
        fileSubId: '',
        playState: 1,
        autoConvertText: 0,
      },
    };
  }
}
