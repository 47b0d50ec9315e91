// The WebUI config panel and the flat form behind it. The panel is built with the host's
// builders (passed in, so this layer stays NapCat-free); nested fields appear under dotted
// keys (`retry.maxAttempts`) because the panel is flat — the validator accepts both forms.
import { DEFAULT_CONFIG, type MediaCacheConfig } from './defaults';
import { FIELDS, readField, sameFieldValue, type FieldPath, type FieldSpec, type FieldValue } from './fields';
import type { FieldSources } from './layers';

/** The subset of `ctx.NapCatConfig` used here; `Item` is the host's config item type. */
export interface ConfigUiBuilders<Item> {
  text(key: string, label: string, defaultValue?: string, description?: string): Item;
  number(key: string, label: string, defaultValue?: number, description?: string): Item;
  boolean(key: string, label: string, defaultValue?: boolean, description?: string): Item;
  html(content: string): Item;
}

export interface ConfigUiNotes {
  sources: FieldSources;
  /** Where the status page is served, if the host could serve it. */
  statusPagePath?: string;
}

/** The `plugin_config_ui` array: a note first, then one item per field showing its effective value. */
export function buildConfigUi<Item>(
  builders: ConfigUiBuilders<Item>,
  effective: Readonly<MediaCacheConfig>,
  notes: ConfigUiNotes,
): Item[] {
  const items: Item[] = [builders.html(noteHtml(effective, notes))];
  for (const spec of FIELDS) {
    const value = readField(effective, spec.path);
    if (spec.kind === 'boolean') items.push(builders.boolean(spec.path, spec.label, value as boolean, spec.help));
    else if (spec.kind === 'integer') items.push(builders.number(spec.path, spec.label, value as number, spec.help));
    else items.push(builders.text(spec.path, spec.label, formValue(spec, value) as string, spec.help));
  }
  return items;
}

/** What `plugin_get_config` returns: the effective values under the panel's flat keys. */
export function toWebUiValues(config: Readonly<MediaCacheConfig>): Record<FieldPath, FieldValue> {
  return Object.fromEntries(FIELDS.map((f) => [f.path, formValue(f, readField(config, f.path))])) as Record<FieldPath, FieldValue>;
}

/** The flat form has no list control: a rule list is edited as its JSON text (the validator takes both). */
function formValue(spec: FieldSpec, value: FieldValue): FieldValue {
  return spec.kind === 'rules' ? JSON.stringify(value) : value;
}

/** Fields whose value the operator set in a plugin.json, and fields overridden from this panel. */
export function provenance(effective: Readonly<MediaCacheConfig>, sources: FieldSources) {
  const fromPluginJson: FieldPath[] = [];
  const fromWebUi: FieldPath[] = [];
  for (const { path } of FIELDS) {
    const source = sources[path];
    // The shipped file restates every default; only its departures from them are news.
    if (source === 'operator' || (source === 'shipped' && !sameFieldValue(readField(effective, path), readField(DEFAULT_CONFIG, path)))) {
      fromPluginJson.push(path);
    } else if (source === 'webui') {
      fromWebUi.push(path);
    }
  }
  return { fromPluginJson, fromWebUi };
}

function noteHtml(effective: Readonly<MediaCacheConfig>, notes: ConfigUiNotes): string {
  const lines: string[] = [];
  if (notes.statusPagePath) {
    const href = escapeHtml(notes.statusPagePath);
    lines.push(
      `状态页 / Status page: <a href="${href}" target="_blank" rel="noopener noreferrer">${href}</a>` +
        '（页面不含数据，数据需登录 WebUI 后获取 / the page holds no data; data needs a WebUI login）',
    );
  }
  const { fromPluginJson, fromWebUi } = provenance(effective, notes.sources);
  if (fromPluginJson.length > 0) {
    lines.push(
      `来自 plugin.json 的值 / set by plugin.json: ${escapeHtml(fromPluginJson.join(', '))}。` +
        '在此保存其他值会覆盖它们（写入 config.json） / saving another value here overrides them (in config.json).',
    );
  }
  if (fromWebUi.length > 0) {
    lines.push(`已在此处修改（config.json） / changed here (config.json): ${escapeHtml(fromWebUi.join(', '))}`);
  }
  lines.push('保存后即时生效，缓存目录 cacheDir 除外（需重载插件） / applied on save, except cacheDir (needs a plugin reload).');
  return lines.map((l) => `<p>${l}</p>`).join('');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
