// download_file (go-cqhttp/DownloadFile.ts): `base64` or `url` through NapCat's URI
// resolution into the temp folder under `name` (or a random name, then renamed to the
// file's md5); answers the path. A file:// url resolves in place (isLocal), so the action
// answers ok exactly when NapCat can see the file: what a sidecar uses as its probe.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runtimeOf } from '../napcat/runtime';
import { uriToLocalFile } from '../napcat/uri';
import { OneBotAction, type Payload } from './action';

export class DownloadFile extends OneBotAction<{ file: string }> {
  readonly actionName = 'download_file';

  async _handle(payload: Payload): Promise<{ file: string }> {
    const rt = runtimeOf(this.core);
    const randomName = !payload.name;
    const name = typeof payload.name === 'string' && payload.name ? payload.name : crypto.randomUUID();
    let uri: string;
    if (typeof payload.base64 === 'string' && payload.base64) uri = `base64://${payload.base64}`;
    else if (typeof payload.url === 'string' && payload.url) uri = payload.url;
    else throw new Error('不存在任何文件, 无法下载');
    const result = await uriToLocalFile(rt, this.core.NapCatTempPath, uri, name);
    if (!result.success) throw new Error(result.errMsg);
    if (!fs.existsSync(result.path)) throw new Error('文件写入失败, 检查权限');
    if (!randomName) return { file: result.path };
    const md5 = crypto.createHash('md5').update(fs.readFileSync(result.path)).digest('hex');
    const renamed = path.join(this.core.NapCatTempPath, md5);
    fs.renameSync(result.path, renamed);
    return { file: renamed };
  }
}
