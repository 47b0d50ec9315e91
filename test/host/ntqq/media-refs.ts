// Which files the kernel must upload for an element, with the size and md5 NapCat
// declared in it.
import type { SendMessageElement } from '../napcat/types';
import type { MediaRef } from './uploader';

export function mediaRefs(element: SendMessageElement): MediaRef[] {
  const { picElement: pic, videoElement: video, pttElement: ptt, fileElement: file } = element;
  if (pic) return [{ path: pic.sourcePath, size: Number(pic.fileSize), md5: pic.md5HexStr }];
  if (ptt) return [{ path: ptt.filePath, size: Number(ptt.fileSize), md5: ptt.md5HexStr }];
  if (file) return [{ path: file.filePath, size: Number(file.fileSize) }];
  if (video) {
    const refs: MediaRef[] = [{ path: video.filePath, size: Number(video.fileSize), md5: video.videoMd5 }];
    const thumb = video.thumbPath.get(0);
    if (thumb) refs.push({ path: thumb, size: video.thumbSize, md5: video.thumbMd5 });
    return refs;
  }
  return [];
}
