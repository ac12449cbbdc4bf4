/**
 * Reads a CSV the way a spreadsheet opens it (RFC 4180: quoted fields, doubled quotes, CRLF rows,
 * line breaks inside quotes), after checking what Excel needs: a UTF-8 BOM and CRLF line ends.
 * Returns the rows; the caller checks that they form one table.
 */
function parseExcelCsv(bytes: Buffer): string[][] {
  if (!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) throw new Error('the CSV has no UTF-8 BOM: Excel would show its Chinese as mojibake');
  const text = bytes.subarray(3).toString('utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else if (c === '\n' || c === '\r') throw new Error(`a bare line break at character ${i}: rows must end in CRLF`);
    else field += c;
  }
  if (quoted) throw new Error('an unterminated quoted field');
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

/** The rows of a CSV as ONE table: a header, then rows of its width, no blank or note lines. */
export function csvAsOneTable(bytes: Buffer): { header: string[]; rows: Array<Record<string, string>> } {
  const [header, ...rest] = parseExcelCsv(bytes);
  if (!header) throw new Error('an empty CSV');
  for (const [i, r] of rest.entries()) {
    if (r.length !== header.length) throw new Error(`row ${i + 2} has ${r.length} cells, the header ${header.length}: not one table`);
    if (r.every((c) => c === '')) throw new Error(`row ${i + 2} is blank: not one table`);
  }
  return { header, rows: rest.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]]))) };
}

/** "2026-12-05 14:30": a local date and time Excel parses. */
export const LOCAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;
/** Any UUID: none belongs in a spreadsheet a person reads. */
export const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
