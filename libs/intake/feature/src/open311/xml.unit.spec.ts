import { escapeXml, toXml } from './xml';

describe('Open311 XML writer', () => {
  it('writes Open311 shapes: arrays as repeated items named after their parent', () => {
    const xml = toXml('services', [
      { service_code: 'FIRE_LANE_BLOCKED', service_name: '消防通道被占用', metadata: true, keywords: 'a, b', group: '应急处置' },
      { service_code: 'NOISE', service_name: '噪声扰民', metadata: false, keywords: null, group: '综合执法' },
    ]);
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<services>',
        '  <service>',
        '    <service_code>FIRE_LANE_BLOCKED</service_code>',
        '    <service_name>消防通道被占用</service_name>',
        '    <metadata>true</metadata>',
        '    <keywords>a, b</keywords>',
        '    <group>应急处置</group>',
        '  </service>',
        '  <service>',
        '    <service_code>NOISE</service_code>',
        '    <service_name>噪声扰民</service_name>',
        '    <metadata>false</metadata>',
        '    <keywords/>',
        '    <group>综合执法</group>',
        '  </service>',
        '</services>',
        '',
      ].join('\n'),
    );
  });

  it('nests objects and arrays (service definition, errors)', () => {
    const xml = toXml('service_definition', {
      service_code: 'X',
      attributes: [{ code: 'life_safety', values: [{ key: 'true', name: '是' }] }],
    });
    expect(xml).toContain('<attributes>\n    <attribute>\n      <code>life_safety</code>\n      <values>\n        <value>\n          <key>true</key>');
    expect(toXml('errors', [{ code: 400, description: 'bad' }])).toContain('<errors>\n  <error>\n    <code>400</code>\n    <description>bad</description>\n  </error>\n</errors>');
    expect(toXml('service_requests', [])).toContain('<service_requests/>');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
    expect(escapeXml('bell\u0007 nul\u0000 tab\t ok')).toBe('bell nul tab\t ok');
    expect(escapeXml('<![CDATA[x]]>')).toBe('&lt;![CDATA[x]]&gt;');
    const xml = toXml('request', { description: '</description><evil/>' });
    expect(xml).toContain('<description>&lt;/description&gt;&lt;evil/&gt;</description>');
    expect(escapeXml('emoji 🚒 stays')).toBe('emoji 🚒 stays');
  });

  it('refuses names that are not XML names', () => {
    expect(() => toXml('bad name', 'x')).toThrow();
    expect(() => toXml('ok', { '<script>': 1 })).toThrow();
  });
});
