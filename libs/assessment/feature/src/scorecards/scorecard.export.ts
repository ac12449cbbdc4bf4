import ExcelJS from 'exceljs';
import type { Explanation, ScorecardRow, ScoringPolicy } from '@chuishao/assessment-domain';
import type { ScorecardResult } from './scorecard.reader';
import { csvTable, localTime, type Cell, type WhistleName } from '../export/spreadsheet';

/** Column headers of the score sheet (考核得分), in the order of the row. */
const SCORE_HEADERS = ['部门', '完成度得分', '计入件数', '按时', '逾期办结', '超期未办', '不计入', '满意度得分', '评价数', '感知度得分', '评分街道数', '总分', '等级', '排名', '样本不足'];
/** Column headers of a lost point (扣分说明): the whistle by its situation and street, times in local time. */
const EXPLANATION_HEADERS = ['考核项', '类别', '哨件（呼叫情形）', '街道', '办结时限', '办结时间', '评价/扣分理由', '扣分', '影响分值', '申诉'];
/** The CSV's one table: the department's scores, then one of its lost points (a department without any has one row with those cells empty). */
const CSV_HEADERS = ['考核期', '计算时点', '评分办法版本', ...SCORE_HEADERS, ...EXPLANATION_HEADERS];

const COMPONENT_NAMES: Record<Explanation['component'], string> = { completion: '完成度', satisfaction: '满意度', perception: '感知度' };
const KIND_NAMES: Record<Explanation['kind'], string> = { LATE: '逾期办结', MISSED: '超期未办', CLOSED: '随哨件关闭', FEEDBACK: '群众评价', DEDUCTION: '街道扣分' };
const RATING_NAMES: Record<string, string> = { SATISFIED: '满意', BASICALLY_SATISFIED: '基本满意', DISSATISFIED: '不满意' };

function gradeName(grade: ScorecardRow['grade'], policy: ScoringPolicy): string {
  if (!grade) return '';
  return policy.grades.find((g) => g.grade === grade)?.name ?? policy.otherwise.name;
}

function scoreCells(row: ScorecardRow, policy: ScoringPolicy): Cell[] {
  const c = row.completion;
  return [row.name, c.score, c.counted, c.onTime, c.late, c.missed, c.excluded, row.satisfaction.score, row.satisfaction.responses, row.perception.score, row.perception.ratings, row.total, gradeName(row.grade, policy), row.rank, row.insufficientSample ? '样本不足' : ''];
}

/** A lost point in words a person reads: names instead of ids, local times. */
function explanationCells(e: Explanation, tz: string, names: Map<string, WhistleName>): Cell[] {
  const appeal = 'restoredOnAppeal' in e && e.restoredOnAppeal ? '经申诉恢复' : '';
  if (e.component === 'perception') {
    return [COMPONENT_NAMES[e.component], KIND_NAMES[e.kind], '', e.streetName, '', '', e.reason, e.pointsLost, e.componentImpact, appeal];
  }
  const w = names.get(e.whistleId);
  const whistle = w?.situation || '（未知哨件）';
  if (e.component === 'satisfaction') {
    return [COMPONENT_NAMES[e.component], KIND_NAMES[e.kind], whistle, w?.street ?? '', '', '', RATING_NAMES[e.rating] ?? e.rating, e.pointsLost, e.componentImpact, appeal];
  }
  const completed = e.completedAt ? localTime(e.completedAt, tz) : e.kind === 'CLOSED' ? '随哨件关闭' : '未办结';
  return [COMPONENT_NAMES[e.component], KIND_NAMES[e.kind], whistle, w?.street ?? '', localTime(e.deadline, tz), completed, '', e.pointsLost, e.componentImpact, appeal];
}

/** The whistle ids a scorecard's explanations name (to look their names up). */
export function explainedWhistles(card: ScorecardResult): string[] {
  return card.rows.flatMap((r) => r.explanations.flatMap((e) => ('whistleId' in e ? [e.whistleId] : [])));
}

/**
 * ONE table (csvTable: BOM, CRLF): each row a department's scores and one of its lost points; the
 * period, the local time the card was computed at and the policy version on every row.
 */
export function scorecardCsv(card: ScorecardResult, policy: ScoringPolicy, names: Map<string, WhistleName> = new Map()): Buffer {
  const head: Cell[] = [card.period, localTime(card.asOf, card.timeZone), card.policyVersion];
  const empty: Cell[] = EXPLANATION_HEADERS.map(() => null);
  const rows: Cell[][] = card.rows.flatMap((r) => {
    const score = [...head, ...scoreCells(r, policy)];
    return r.explanations.length ? r.explanations.map((e) => [...score, ...explanationCells(e, card.timeZone, names)]) : [[...score, ...empty]];
  });
  return csvTable(CSV_HEADERS, rows);
}

/** Three sheets, one table each: 考核得分, 扣分说明 and 说明 (period, time, policy). */
export async function scorecardXlsx(card: ScorecardResult, policy: ScoringPolicy, names: Map<string, WhistleName> = new Map()): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'chuishao';
  wb.created = new Date(card.asOf);
  const scores = wb.addWorksheet('考核得分');
  scores.addRow(SCORE_HEADERS).font = { bold: true };
  for (const r of card.rows) scores.addRow(scoreCells(r, policy));
  scores.columns.forEach((c, i) => (c.width = i === 0 ? 36 : 12));
  const explanations = wb.addWorksheet('扣分说明');
  explanations.addRow(['部门', ...EXPLANATION_HEADERS]).font = { bold: true };
  for (const r of card.rows) for (const e of r.explanations) explanations.addRow([r.name, ...explanationCells(e, card.timeZone, names)]);
  explanations.columns.forEach((c, i) => (c.width = [36, 10, 12, 24, 14, 18, 18, 40, 8, 10, 12][i] ?? 12));
  const about = wb.addWorksheet('说明');
  about.addRow(['项目', '内容']).font = { bold: true };
  about.addRow(['考核期', card.period]);
  about.addRow(['计算时点（北京时间）', localTime(card.asOf, card.timeZone)]);
  about.addRow(['评分办法版本', card.policyVersion]);
  if (card.closedAt) about.addRow(['关闭时间（北京时间）', localTime(card.closedAt, card.timeZone)]);
  about.columns.forEach((c, i) => (c.width = i === 0 ? 24 : 30));
  const buffer = await wb.xlsx.writeBuffer();
  return Buffer.from(buffer as ArrayBuffer);
}

/** Content-Disposition with an ASCII fallback and the Chinese name (RFC 6266 / RFC 5987). */
export function attachmentDisposition(period: string, ext: 'csv' | 'xlsx'): string {
  const ascii = `chuishao-scorecard-${period}.${ext}`;
  const chinese = `吹哨报到考核得分-${period}.${ext}`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(chinese)}`;
}
