// ctx.NapCatConfig (network/plugin/config.ts, plugins §2.1): builders for the WebUI
// config schema; `html`/`plainText` are display-only items with random keys.
import crypto from 'node:crypto';

export type PluginConfigType = 'string' | 'number' | 'boolean' | 'select' | 'multi-select' | 'html' | 'text';

export interface PluginConfigItem {
  key: string;
  type: PluginConfigType;
  label: string;
  default?: unknown;
  description?: string;
  options?: Array<{ label: string; value: string | number }>;
  placeholder?: string;
  reactive?: boolean;
  hidden?: boolean;
}

export type PluginConfigSchema = PluginConfigItem[];
type Options = PluginConfigItem['options'];

const item = (type: PluginConfigType, key: string, label: string, def?: unknown, description?: string, reactive?: boolean): PluginConfigItem => ({
  key,
  type,
  label,
  default: def,
  description,
  reactive,
});

export const NapCatConfig = {
  text: (key: string, label: string, def?: string, description?: string, reactive?: boolean) => item('string', key, label, def, description, reactive),
  number: (key: string, label: string, def?: number, description?: string, reactive?: boolean) => item('number', key, label, def, description, reactive),
  boolean: (key: string, label: string, def?: boolean, description?: string, reactive?: boolean) => item('boolean', key, label, def, description, reactive),
  select: (key: string, label: string, options: Options, def?: string | number, description?: string, reactive?: boolean) => ({
    ...item('select', key, label, def, description, reactive),
    options,
  }),
  multiSelect: (key: string, label: string, options: Options, def?: Array<string | number>, description?: string, reactive?: boolean) => ({
    ...item('multi-select', key, label, def, description, reactive),
    options,
  }),
  html: (content: string): PluginConfigItem => ({ key: `_html_${crypto.randomUUID()}`, type: 'html', label: '', default: content }),
  plainText: (content: string): PluginConfigItem => ({ key: `_text_${crypto.randomUUID()}`, type: 'text', label: '', default: content }),
  combine: (...items: PluginConfigItem[]): PluginConfigSchema => items,
};
