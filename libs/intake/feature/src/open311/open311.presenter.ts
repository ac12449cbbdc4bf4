import { defaultCatalog, type Situation } from '@chuishao/catalog';
import type { PublicWhistle, WhistleStatus, WhistleView } from '@chuishao/intake-domain';
import type { XmlValue } from './xml';

/** Open311 has two states: closed = RESOLVED (street confirmed) or WITHDRAWN; everything else is open. */
export const CLOSED_STATUSES: readonly WhistleStatus[] = ['RESOLVED', 'WITHDRAWN'];

const STATUS_NOTES: Record<WhistleStatus, string> = {
  BLOWN: '已吹哨，待分级 / Received, awaiting triage',
  TRIAGED: '已分级，待派单 / Triaged, awaiting dispatch',
  DISPATCHED: '已派单，待部门报到 / Dispatched, awaiting the departments',
  IN_PROGRESS: '部门处置中 / Departments at work',
  COMPLETED: '牵头部门已办结，待街道确认 / Completed by the lead department, awaiting the street’s confirmation',
  RESOLVED: '街道已确认办结 / Resolved (confirmed by the street)',
  REOPENED: '街道退回重办 / Reopened by the street',
  WITHDRAWN: '街道已撤回 / Withdrawn by the street',
};
const LEVEL_NOTES: Record<string, string> = { RED: '红色 RED', YELLOW: '黄色 YELLOW', BLUE: '蓝色 BLUE' };

/** GET services.json: one service per call situation, grouped by area. */
export function presentService(s: Situation): Record<string, XmlValue> {
  const area = defaultCatalog().area(s.area);
  return {
    service_code: s.code,
    service_name: s.name,
    description: `${s.name} / ${s.nameEn}`,
    metadata: true,
    type: 'realtime',
    keywords: [area?.name, area?.nameEn, s.nameEn].filter(Boolean).join(', '),
    group: area?.name ?? s.area,
  };
}

/** GET services/{code}.json: the optional attributes a client may send (they feed triage's rules). */
export function presentServiceDefinition(s: Situation): Record<string, XmlValue> {
  return {
    service_code: s.code,
    attributes: [
      {
        variable: true,
        code: 'life_safety',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: '布尔值：true 或 false / boolean: true or false',
        order: 1,
        description: '是否危及生命安全（是则直接定为红色）/ Is anyone’s life at risk? (true makes it RED)',
        values: [
          { key: 'true', name: '是 / Yes' },
          { key: 'false', name: '否 / No' },
        ],
      },
      {
        variable: true,
        code: 'households_affected',
        datatype: 'number',
        required: false,
        datatype_description: '非负整数 / a non-negative integer',
        order: 2,
        description: '受影响户数（50 户及以上升一级）/ Households affected (50 or more raises the level)',
      },
    ],
  };
}

function leadDepartmentName(view: WhistleView): string | null {
  const catalog = defaultCatalog();
  const lead = [...view.assignments].reverse().find((a) => a.role === 'LEAD' && a.status !== 'REASSIGNED' && a.status !== 'CLOSED');
  const id = lead?.departmentId ?? catalog.situation(view.situationCode)?.leadDepartment;
  return id ? (catalog.department(id)?.name ?? null) : null;
}

/** GET requests.json / requests/{id}.json: a whistle as an Open311 service request. */
export function presentRequest(view: WhistleView): Record<string, XmlValue> {
  const situation = defaultCatalog().situation(view.situationCode);
  const notes = [STATUS_NOTES[view.status], view.level ? LEVEL_NOTES[view.level] : null].filter(Boolean).join(' · ');
  return {
    service_request_id: view.id,
    status: CLOSED_STATUSES.includes(view.status) ? 'closed' : 'open',
    status_notes: notes,
    service_name: situation?.name ?? view.situationCode,
    service_code: view.situationCode,
    description: view.description || view.title,
    agency_responsible: leadDepartmentName(view),
    service_notice: null,
    requested_datetime: view.createdAt,
    updated_datetime: view.updatedAt,
    expected_datetime: view.deadlines.completeBy,
    address: view.location.address,
    address_id: null,
    zipcode: null,
    lat: view.location.lat,
    long: view.location.lng,
    media_url: view.attachments[0]?.url ?? null,
  };
}

/**
 * GET requests.json / requests/{id}.json without an api_key: the public view of contract §13 in
 * GeoReport v2's field names — no description, address line, coordinates or media; the location
 * is the street and community (address), the agency the lead department.
 */
export function presentPublicRequest(w: PublicWhistle): Record<string, XmlValue> {
  const lead = [...w.departments].reverse().find((d) => d.role === 'LEAD' && d.status !== 'REASSIGNED' && d.status !== 'CLOSED') ?? w.departments.find((d) => d.role === 'LEAD');
  return {
    service_request_id: w.id,
    status: CLOSED_STATUSES.includes(w.status) ? 'closed' : 'open',
    status_notes: [STATUS_NOTES[w.status], LEVEL_NOTES[w.level]].filter(Boolean).join(' · '),
    service_name: w.situation.name,
    service_code: w.situation.code,
    description: null,
    agency_responsible: lead?.name ?? null,
    service_notice: null,
    requested_datetime: w.createdAt,
    updated_datetime: w.updatedAt,
    expected_datetime: w.deadlines.completeBy,
    address: [w.street.name, w.community?.name].filter(Boolean).join(' '),
    address_id: null,
    zipcode: null,
    lat: null,
    long: null,
    media_url: null,
  };
}
