import ExcelJS from 'exceljs';
import type { Explanation, ScorecardRow, ScoringPolicy } from '@chuishao/assessment-domain';
import type { ScorecardResult } from './scorecard.reader';

/** Column headers of the score sheet (考核得分), in the order of the row. */
export const SCORE_HEADERS = ['部门', '完成度得分', '计入件数', '按时', '逾期办结', '超期未办', '不计入', '满意度得分', '评价数', '感知度得分', '评分街道数', '总分', '等级', '排名', '样本不足'];
/** Column headers of the explanations sheet (扣分说明). */
export const EXPLANATION_HEADERS = ['部门', '考核项', '类别', '哨件', '街道', '办结时限', '办结时间', '评价/扣分理由', '扣分', '影响分值', '说明'];

const COMPONENT_NAMES: Record<Explanation['component'], string> = { completion: '完成度', satisfaction: '满意度', perception: '感知度' };
const KIND_NAMES: Record<Explanation['kind'], string> = { LATE: '逾期办结', MISSED: '超期未办', CLOSED: '随哨件关闭', FEEDBACK: '群众评价', DEDUCTION: '街道扣分' };
const RATING_NAMES: Record<string, string> = { SATISFIED: '满意', BASICALLY_SATISFIED: '基本满意', DISSATISFIED: '不满意' };

function gradeName(grade: ScorecardRow['grade'], policy: ScoringPolicy): string {
  if (!grade) return '';
  return policy.grades.find((g) => g.grade === grade)?.name ?? policy.otherwise.name;
}

type Cell = string | number | null;

export function scoreCells(row: ScorecardRow, policy: ScoringPolicy): Cell[] {
  const c = row.completion;
  return [row.name, c.score, c.counted, c.onTime, c.late, c.missed, c.excluded, row.satisfaction.score, row.satisfaction.responses, row.perception.score, row.perception.ratings, row.total, gradeName(row.grade, policy), row.rank, row.insufficientSample ? '样本不足' : ''];
}

export function explanationCells(row: ScorecardRow, e: Explanation): Cell[] {
  if (e.component === 'perception') {
    return [row.name, COMPONENT_NAMES[e.component], KIND_NAMES[e.kind], '', e.streetName, '', '', e.reason, e.pointsLost, e.componentImpact, e.message];
  }
  if (e.component === 'satisfaction') {
    return [row.name, COMPONENT_NAMES[e.component], KIND_NAMES[e.kind], e.whistleId, '', '', '', RATING_NAMES[e.rating] ?? e.rating, e.pointsLost, e.componentImpact, e.message];
  }
  const completed = e.completedAt ?? (e.kind === 'CLOSED' ? '随哨件关闭' : '未办结');
  return [row.name, COMPONENT_NAMES[e.component], KIND_NAMES[e.kind], e.whistleId, '', e.deadline, completed, '', e.pointsLost, e.componentImpact, e.message];
}

/** A CSV field: quoted when needed; text that a spreadsheet would run as a formula is defused with a leading apostrophe. */
function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * UTF-8 with a BOM (so Excel shows Chinese) and CRLF line ends: a title line, the score table, a
 * blank line, then the explanations section (扣分说明) with its own header.
 */
export function scorecardCsv(card: ScorecardResult, policy: ScoringPolicy): Buffer {
  const lines: Cell[][] = [];
  lines.push(SCORE_HEADERS);
  for (const r of card.rows) lines.push(scoreCells(r, policy));
  lines.push([]);
  lines.push([`扣分说明（考核期 ${card.period}，计算时点 ${card.asOf}，评分办法 v${card.policyVersion}）`]);
  lines.push(EXPLANATION_HEADERS);
  for (const r of card.rows) for (const e of r.explanations) lines.push(explanationCells(r, e));
  const text = lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/** Two sheets: 考核得分 and 扣分说明. */
export async function scorecardXlsx(card: ScorecardResult, policy: ScoringPolicy): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'chuishao';
  wb.created = new Date(card.asOf);
  const scores = wb.addWorksheet('考核得分');
  scores.addRow(SCORE_HEADERS).font = { bold: true };
  for (const r of card.rows) scores.addRow(scoreCells(r, policy));
  scores.addRow([]);
  scores.addRow([`考核期 ${card.period}；计算时点 ${card.asOf}；评分办法 v${card.policyVersion}；时区 ${card.timeZone}${card.closedAt ? `；已于 ${card.closedAt} 关闭` : ''}`]);
  scores.columns.forEach((c, i) => (c.width = i === 0 ? 36 : 12));
  const explanations = wb.addWorksheet('扣分说明');
  explanations.addRow(EXPLANATION_HEADERS).font = { bold: true };
  for (const r of card.rows) for (const e of r.explanations) explanations.addRow(explanationCells(r, e));
  explanations.columns.forEach((c, i) => (c.width = [36, 10, 10, 38, 14, 26, 26, 30, 8, 10, 80][i] ?? 12));
  const buffer = await wb.xlsx.writeBuffer();
  return Buffer.from(buffer as ArrayBuffer);
}

/** Content-Disposition with an ASCII fallback and the Chinese name (RFC 6266 / RFC 5987). */
export function attachmentDisposition(period: string, ext: 'csv' | 'xlsx'): string {
  const ascii = `chuishao-scorecard-${period}.${ext}`;
  const chinese = `吹哨报到考核得分-${period}.${ext}`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(chinese)}`;
}
