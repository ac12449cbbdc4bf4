import ExcelJS from 'exceljs';
import type { AnnualResult } from './annual.reader';

const GRADE_NAMES: Record<string, string> = { EXCELLENT: '优秀', GOOD: '良好', AVERAGE: '一般' };
type Cell = string | number | null;

function headers(report: AnnualResult): string[] {
  return ['部门', '年度得分', '计入件数', '等级', '排名', '样本不足', '年度绩效贡献分', ...report.periods.flatMap((p) => [`${p.period} 总分`, `${p.period} 计入件数`])];
}

function cells(report: AnnualResult, row: AnnualResult['rows'][number]): Cell[] {
  const byPeriod = new Map(row.periods.map((p) => [p.period, p]));
  return [
    row.name,
    row.score,
    row.counted,
    row.grade ? (GRADE_NAMES[row.grade] ?? row.grade) : '',
    row.rank,
    row.insufficientSample ? '样本不足' : '',
    row.annualContribution,
    ...report.periods.flatMap((p) => [byPeriod.get(p.period)?.total ?? null, byPeriod.get(p.period)?.counted ?? 0]),
  ];
}

function note(report: AnnualResult): string {
  const made = report.annualFrom === 'MONTHS' ? '月度' : '季度';
  return `${report.year} 年度考核：由${made}总分按计入件数加权；评分办法 v${report.policyVersion}；年度绩效占比 ${report.annualShare}；计算时点 ${report.asOf}；时区 ${report.timeZone}`;
}

function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** UTF-8 with a BOM and CRLF, like the scorecards: the table, a blank line, the note. */
export function annualCsv(report: AnnualResult): Buffer {
  const lines: Cell[][] = [headers(report), ...report.rows.map((r) => cells(report, r)), [], [note(report)]];
  const text = lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/** One sheet, 年度考核. */
export async function annualXlsx(report: AnnualResult): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'chuishao';
  wb.created = new Date(report.asOf);
  const sheet = wb.addWorksheet('年度考核');
  sheet.addRow(headers(report)).font = { bold: true };
  for (const r of report.rows) sheet.addRow(cells(report, r));
  sheet.addRow([]);
  sheet.addRow([note(report)]);
  sheet.columns.forEach((c, i) => (c.width = i === 0 ? 36 : 14));
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

export function annualDisposition(year: number, ext: 'csv' | 'xlsx'): string {
  return `attachment; filename="chuishao-annual-${year}.${ext}"; filename*=UTF-8''${encodeURIComponent(`吹哨报到年度考核-${year}.${ext}`)}`;
}
