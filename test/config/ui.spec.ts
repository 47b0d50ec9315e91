import { expect } from 'chai';
import {
  DEFAULT_CONFIG,
  FIELDS,
  applyLayer,
  buildConfigUi,
  resolveLayers,
  toWebUiValues,
  type ConfigUiBuilders,
} from '../../src/config';
import type { NapCatConfigBuilders, PluginConfigItem } from '../../src/napcat/types';

// A builder set shaped like ctx.NapCatConfig, recording what it was asked to build.
function fakeBuilders() {
  let n = 0;
  const item = (type: PluginConfigItem['type'], key: string, label: string, def?: unknown, description?: string) =>
    ({ type, key, label, default: def, description }) as PluginConfigItem;
  const builders: NapCatConfigBuilders = {
    text: (k, l, d, desc) => item('string', k, l, d, desc),
    number: (k, l, d, desc) => item('number', k, l, d, desc),
    boolean: (k, l, d, desc) => item('boolean', k, l, d, desc),
    select: (k, l, _o, d, desc) => item('select', k, l, d, desc),
    multiSelect: (k, l, _o, d, desc) => item('multi-select', k, l, d, desc),
    html: (content) => item('html', `_html_${n++}`, '', content),
    plainText: (content) => item('text', `_text_${n++}`, '', content),
    combine: (...items) => items,
  };
  return builders;
}

describe('config/ui buildConfigUi', () => {
  it('accepts the host builders as they are typed (compile-time check)', () => {
    const host: ConfigUiBuilders<PluginConfigItem> = fakeBuilders();
    expect(host).to.be.an('object');
  });

  it('has one item per field, keyed by dotted path, with the effective value, a Chinese label and "中文 / English" help', () => {
    const effective = applyLayer(DEFAULT_CONFIG, { retry: { maxAttempts: 6 } }, 'x').config;
    const items = buildConfigUi(fakeBuilders(), effective, { sources: resolveLayers([]).sources });
    const fields = items.filter((i) => i.type !== 'html');
    expect(fields.map((i) => i.key)).to.deep.equal(FIELDS.map((f) => f.path));
    const retry = fields.find((i) => i.key === 'retry.maxAttempts')!;
    expect(retry).to.include({ type: 'number', default: 6 });
    expect(fields.find((i) => i.key === 'enabled')).to.include({ type: 'boolean', default: true });
    expect(fields.find((i) => i.key === 'cacheDir')).to.include({ type: 'string', default: '' });
    for (const f of fields) {
      expect(f.label, f.key).to.match(/[\u4e00-\u9fff]/);
      expect(f.description, f.key).to.match(/[\u4e00-\u9fff].* \/ [A-Za-z]/);
    }
  });

  it('the note links the status page and lists the keys set by plugin.json and by the WebUI', () => {
    const resolved = resolveLayers([
      // The shipped file restates defaults; only its one departure should be listed.
      { id: 'shipped', source: 'shipped', raw: { ...DEFAULT_CONFIG, maxEntries: 999 } },
      { id: 'operator', source: 'operator', raw: { graceSeconds: 60 } },
      { id: 'webui', source: 'webui', raw: { debug: true } },
    ]);
    const items = buildConfigUi(fakeBuilders(), resolved.config, {
      sources: resolved.sources,
      statusPagePath: '/plugin/napcat-plugin-media-cache/api/status',
    });
    const note = items.find((i) => i.type === 'html')!;
    const html = String(note.default);
    expect(html).to.contain('href="/plugin/napcat-plugin-media-cache/api/status"');
    expect(html).to.contain('set by plugin.json: maxEntries, graceSeconds。');
    expect(html).to.contain('changed here (config.json): debug');
  });

  it('escapes HTML in the note', () => {
    const items = buildConfigUi(fakeBuilders(), DEFAULT_CONFIG, {
      sources: resolveLayers([]).sources,
      statusPagePath: '/x"><script>alert(1)</script>',
    });
    expect(String(items[0].default)).to.not.contain('<script>');
  });

  it('toWebUiValues is the flat form the validator reads back unchanged', () => {
    const effective = applyLayer(DEFAULT_CONFIG, { retry: { baseDelayMs: 10 }, cacheDir: 'c' }, 'x').config;
    const flat = toWebUiValues(effective);
    expect(flat['retry.baseDelayMs']).to.equal(10);
    const back = applyLayer(DEFAULT_CONFIG, flat, 'WebUI');
    expect(back.problems).to.deep.equal([]);
    expect(back.config).to.deep.equal(effective);
  });
});
