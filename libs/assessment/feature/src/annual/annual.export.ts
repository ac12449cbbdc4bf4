import ExcelJS from 'exceljs';
import type { AnnualResult } from './annual.reader';
import { csvTable, localTime, type Cell } from '../export/spreadsheet';

const GRADE_NAMES: Record<string, string> = { EXCELLENT: '优秀', GOOD: '良好', AVERAGE: '一般' };

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

/** How the year was made, for the 说明 sheet and the CSV's columns. */
function about(report: AnnualResult): Array<[string, Cell]> {
  return [
    ['年度', report.year],
    ['计算方法', `由${report.annualFrom === 'MONTHS' ? '月度' : '季度'}总分按计入件数加权`],
    ['年度绩效占比', report.annualShare],
    ['评分办法版本', report.policyVersion],
    ['计算时点', localTime(report.asOf, report.timeZone)],
  ];
}

/** ONE table (csvTable: BOM, CRLF); how the year was made is on every row, in its own columns. */
export function annualCsv(report: AnnualResult): Buffer {
  const info = about(report);
  return csvTable(
    [...headers(report), ...info.map(([k]) => k)],
    report.rows.map((r) => [...cells(report, r), ...info.map(([, v]) => v)]),
  );
}

/** Two sheets, one table each: 年度考核 and 说明. */
export async function annualXlsx(report: AnnualResult): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'chuishao';
  wb.created = new Date(report.asOf);
  const sheet = wb.addWorksheet('年度考核');
  sheet.addRow(headers(report)).font = { bold: true };
  for (const r of report.rows) sheet.addRow(cells(report, r));
  sheet.columns.forEach((c, i) => (c.width = i === 0 ? 36 : 14));
  const notes = wb.addWorksheet('说明');
  notes.addRow(['项目', '内容']).font = { bold: true };
  for (const row of about(report)) notes.addRow(row);
  notes.columns.forEach((c, i) => (c.width = i === 0 ? 20 : 36));
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

export function annualDisposition(year: number, ext: 'csv' | 'xlsx'): string {
  return `attachment; filename="chuishao-annual-${year}.${ext}"; filename*=UTF-8''${encodeURIComponent(`吹哨报到年度考核-${year}.${ext}`)}`;
}
