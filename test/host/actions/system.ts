// The small system actions a OneBot client calls on connect, and clean_cache, which
// empties the temp folder and the nt_data media trees whatever is in flight.
import fs from 'node:fs';
import path from 'node:path';
import { runtimeOf } from '../napcat/runtime';
import { OneBotAction } from './action';

export class GetLoginInfo extends OneBotAction<{ user_id: number; nickname: string }> {
  readonly actionName = 'get_login_info';
  async _handle(): Promise<{ user_id: number; nickname: string }> {
    return { user_id: Number(this.core.selfInfo.uin), nickname: this.core.selfInfo.nick };
  }
}

export class GetStatus extends OneBotAction<{ online: boolean; good: boolean; stat: Record<string, number> }> {
  readonly actionName = 'get_status';
  async _handle(): Promise<{ online: boolean; good: boolean; stat: Record<string, number> }> {
    return { online: this.core.selfInfo.online, good: true, stat: {} };
  }
}

export class GetVersionInfo extends OneBotAction<{ app_name: string; protocol_version: string; app_version: string }> {
  readonly actionName = 'get_version_info';
  async _handle(): Promise<{ app_name: string; protocol_version: string; app_version: string }> {
    const legacy = runtimeOf(this.core).shape === 'legacy';
    return { app_name: 'NapCat.Onebot', protocol_version: 'v11', app_version: legacy ? '4.17.48' : '4.18.5' };
  }
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

export class CleanCache extends OneBotAction<null> {
  readonly actionName = 'clean_cache';
  async _handle(): Promise<null> {
    const rt = runtimeOf(this.core);
    const ntData = path.join(this.core.dataPath, `nt_qq_${this.core.selfInfo.uin}`, 'nt_data');
    const targets = [this.core.NapCatTempPath, ...['Pic', 'Ptt', 'Video', 'File'].map((d) => path.join(ntData, d))];
    for (const file of targets.flatMap(filesUnder)) {
      try {
        await rt.native.unlink(file);
      } catch (err) {
        rt.log('warn', '清理缓存失败 / clean_cache could not delete', file, err);
      }
    }
    return null;
  }
}
