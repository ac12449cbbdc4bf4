// 吹哨 — the street office's form (POST /api/v1/whistles with an Idempotency-Key per form).
import { api, ApiError } from '../api.js';
import { append, bi, clear, h, uid } from '../dom.js';
import { LEVELS, label } from '../labels.js';
import { clearErrors, counter, field, levelBadge, showFieldErrors, techDetails, toastError, toastOk } from '../ui.js';

const ATTACHMENT_KINDS = [
  ['photo', '照片 Photo'],
  ['video', '视频 Video'],
  ['document', '文件 Document'],
  ['audio', '录音 Audio'],
];

export async function renderBlow(main, ctx) {
  const { catalog, session } = ctx;
  const street = catalog.street(session.org);
  // One key per form: every retry of this submission sends the same key (contract §2).
  const idempotencyKey = crypto.randomUUID();

  // --- situation, grouped by the five areas -----------------------------------------------------
  const situation = h('select', { name: 'situationCode', required: true }, h('option', { value: '' }, '— 请选择呼叫情形 Choose a situation —'));
  for (const area of catalog.areas) {
    const group = h('optgroup', { label: `${area.name} ${area.nameEn ?? ''}` });
    for (const s of catalog.situations.filter((x) => x.area === area.code)) {
      group.append(h('option', { value: s.code, dataset: { level: s.defaultLevel } }, `〔${label(LEVELS, s.defaultLevel)[0]}〕${s.name}`));
    }
    situation.append(group);
  }
  const situationInfo = h('div', { class: 'row small', 'aria-live': 'polite' });
  const paintSituation = () => {
    clear(situationInfo);
    const s = catalog.situation(situation.value);
    if (!s) return;
    const lead = catalog.department(s.leadDepartment);
    situationInfo.append(
      h('span', null, bi('默认级别', 'Default level')),
      levelBadge(s.defaultLevel),
      h('span', { class: 'muted' }, bi(`牵头：${lead?.name ?? '—'}`, lead?.nameEn ? `Lead: ${lead.nameEn}` : '')),
    );
  };
  situation.addEventListener('change', paintSituation);
  const fSituation = field('呼叫情形', 'Situation', situation, { required: true, name: 'situationCode', after: situationInfo });

  // --- text ---------------------------------------------------------------------------------------
  const title = h('input', { type: 'text', name: 'title', required: true, maxlength: 200, autocomplete: 'off' });
  const fTitle = field('标题', 'Title', title, { required: true, name: 'title', after: counter(title, 120) });
  const description = h('textarea', { name: 'description', rows: 5 });
  const fDescription = field('情况描述', 'Description', description, { name: 'description', after: counter(description, 4000) });

  // --- location -----------------------------------------------------------------------------------
  const address = h('input', { type: 'text', name: 'address', required: true, autocomplete: 'street-address', maxlength: 300 });
  const fAddress = field('地址', 'Address', address, { required: true, name: 'location.address' });
  const community = h('select', { name: 'communityId' }, h('option', { value: '' }, '— 不指定 Not specified —'));
  for (const c of street?.communities ?? []) community.append(h('option', { value: c.id }, c.name));
  const fCommunity = field('社区', 'Community', community, { name: 'location.communityId' });

  // --- requested departments (first = lead) --------------------------------------------------------
  const lead = h('select', { name: 'leadDepartment' }, h('option', { value: '' }, '— 按情形默认 Situation default —'));
  const assistBoxes = [];
  const assists = h('div', { class: 'checks' });
  for (const d of catalog.departments) {
    lead.append(h('option', { value: d.id }, d.name));
    const box = h('input', { type: 'checkbox', value: d.id });
    assistBoxes.push(box);
    assists.append(h('label', { class: 'check' }, box, h('span', null, d.name)));
  }
  const fLead = field('指定牵头部门（可选）', 'Lead department (optional)', lead, {
    name: 'requestedDepartments',
    hint: bi('不指定则按呼叫情形的默认部门派单。', 'Leave empty to use the situation’s departments.'),
  });
  const deptBox = h(
    'details',
    { class: 'card' },
    h('summary', null, h('strong', null, bi('指定部门（可选）', 'Requested departments (optional)'))),
    fLead.wrap,
    h('fieldset', null, h('legend', null, bi('协办部门', 'Assisting departments')), assists),
  );

  // --- hints --------------------------------------------------------------------------------------
  const lifeSafety = h('input', { type: 'checkbox', name: 'lifeSafety', dataset: { field: 'hints.lifeSafety' } });
  const households = h('input', { type: 'number', name: 'householdsAffected', min: 0, max: 1000000, step: 1, inputmode: 'numeric' });
  const fHouseholds = field('涉及户数', 'Households affected', households, { name: 'hints.householdsAffected', hint: bi('≥ 50 户升一级', '≥ 50 raises the level') });
  const hintsBox = h(
    'fieldset',
    null,
    h('legend', null, bi('研判提示', 'Hints for triage')),
    h('label', { class: 'check' }, lifeSafety, h('span', null, bi('危及生命安全（直接定为红色）', 'Life at risk (RED)'))),
    h('div', { class: 'field-error', id: `${(lifeSafety.id = uid('in'))}-err` }),
    fHouseholds.wrap,
  );

  // --- attachments --------------------------------------------------------------------------------
  const attachmentRows = h('div', { class: 'list', dataset: { field: 'attachments' }, id: uid('in') });
  const attachmentErr = h('div', { class: 'field-error', id: `${attachmentRows.id}-err` });
  const addAttachment = () => {
    const i = attachmentRows.children.length;
    const url = h('input', { type: 'url', inputmode: 'url', placeholder: 'https://…', dataset: { field: `attachments.${i}.url` } });
    const kind = h('select', { 'aria-label': '附件类型 Kind', dataset: { field: `attachments.${i}.kind` } }, ATTACHMENT_KINDS.map(([v, t]) => h('option', { value: v }, t)));
    const fUrl = field(`附件 ${i + 1} 链接`, `Attachment ${i + 1} URL`, url, { name: `attachments.${i}.url` });
    const remove = h('button', { type: 'button', class: 'btn danger', onclick: () => row.remove() }, bi('移除', 'Remove'));
    const row = h('div', { class: 'row attachment' }, h('div', { style: { flex: '1 1 260px' } }, fUrl.wrap), kind, remove);
    kind.style.width = 'auto';
    attachmentRows.append(row);
    url.focus();
  };
  const attachBox = h(
    'fieldset',
    null,
    h('legend', null, bi('附件（链接）', 'Attachments (URLs)')),
    attachmentRows,
    attachmentErr,
    h('button', { type: 'button', class: 'btn', onclick: addAttachment }, bi('＋ 添加附件', 'Add attachment')),
  );

  const submit = h('button', { type: 'submit', class: 'btn primary big block' }, bi('吹哨', 'Blow the whistle'));
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'blow-title', 'data-idempotency-key': idempotencyKey },
    h('div', { class: 'card' }, fSituation.wrap, fTitle.wrap, fDescription.wrap),
    h('div', { class: 'card' }, h('h2', null, bi('位置', 'Location')), h('div', { class: 'inline-fields' }, fAddress.wrap, fCommunity.wrap)),
    h('div', { class: 'card' }, hintsBox, attachBox),
    deptBox,
    h('div', { class: 'form-errors field-error', role: 'alert' }),
    h('div', { class: 'sticky-submit' }, submit),
    techDetails([['本次提交幂等键 Idempotency key', idempotencyKey]]),
  );

  const body = () => {
    const requested = [];
    if (lead.value) requested.push(lead.value);
    for (const b of assistBoxes) if (b.checked && b.value !== lead.value) requested.push(b.value);
    const attachments = [...attachmentRows.querySelectorAll('.attachment')]
      .map((row) => ({ url: row.querySelector('input').value.trim(), kind: row.querySelector('select').value }))
      .filter((a) => a.url);
    const hints = { lifeSafety: lifeSafety.checked };
    if (households.value !== '') hints.householdsAffected = Number(households.value);
    const location = { address: address.value.trim() };
    if (community.value) location.communityId = community.value;
    const out = { situationCode: situation.value, title: title.value.trim(), description: description.value.trim(), location, hints };
    if (requested.length) out.requestedDepartments = requested;
    if (attachments.length) out.attachments = attachments;
    return out;
  };

  const localErrors = (b) => {
    const errors = [];
    if (!b.situationCode) errors.push({ field: 'situationCode', message: '请选择呼叫情形 / Choose a situation' });
    if (!b.title) errors.push({ field: 'title', message: '请填写标题 / A title is required' });
    else if ([...b.title].length > 120) errors.push({ field: 'title', message: '标题不能超过 120 字 / At most 120 characters' });
    if ([...b.description].length > 4000) errors.push({ field: 'description', message: '描述不能超过 4000 字 / At most 4000 characters' });
    if (!b.location.address) errors.push({ field: 'location.address', message: '请填写地址 / An address is required' });
    if (!lead.value && assistBoxes.some((x) => x.checked)) errors.push({ field: 'requestedDepartments', message: '指定协办部门时请同时指定牵头部门 / Choose a lead department too' });
    (b.attachments ?? []).forEach((a, i) => {
      if (!/^https?:\/\/\S+$/i.test(a.url)) errors.push({ field: `attachments.${i}.url`, message: '请输入 http(s) 链接 / Enter an http(s) URL' });
    });
    const n = b.hints.householdsAffected;
    if (n !== undefined && (!Number.isInteger(n) || n < 0)) errors.push({ field: 'hints.householdsAffected', message: '请输入非负整数 / A whole number ≥ 0' });
    return errors;
  };

  let busy = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    clearErrors(form);
    const b = body();
    const local = localErrors(b);
    if (local.length) {
      showFieldErrors(form, local);
      return;
    }
    busy = true;
    submit.disabled = true;
    try {
      const created = await api('/api/v1/whistles', { method: 'POST', body: b, headers: { 'Idempotency-Key': idempotencyKey } });
      toastOk('已吹哨，正在分级派单…', 'Whistle blown; triage and dispatch follow.');
      location.hash = `#/whistles/${created.id}`;
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) showFieldErrors(form, err.errors);
      toastError(err);
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });

  append(main, 
    h('h1', { id: 'blow-title' }, bi('吹哨', 'Blow the whistle')),
    h('p', { class: 'muted' }, bi(`${street?.name ?? ''}：遇到街道无法单独解决的问题，召集区直部门报到处置。`, 'Summon the district departments to a problem the street cannot solve alone.')),
    catalog.source === 'bundled' ? h('p', { class: 'notice warn small' }, bi('目录接口暂不可用，使用内置目录 v1。', 'Catalog endpoint unavailable; using the bundled catalog v1.')) : null,
    form,
  );
  situation.focus();
}
