/**
 * A small RFC 4180 CSV reader: quoted fields with doubled quotes and embedded newlines, CRLF or LF,
 * a UTF-8 BOM stripped, unquoted fields trimmed. Each row remembers the line it starts on.
 */

export interface CsvRow {
  /** 1-based line where the row starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  readonly code: string = 'csv-syntax';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** Parses CSV text into rows. Blank lines are skipped. Throws CsvSyntaxError on an unterminated quote. */
export function parseCsv(text: string): CsvRow[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: CsvRow[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const rowLine = line;
    const fields: string[] = [];
    let blank = true;
    for (;;) {
      // One field.
      let value = '';
      let quoted = false;
      while (i < n && (text[i] === ' ' || text[i] === '\t')) value += text[i++];
      if (text[i] === '"') {
        quoted = true;
        blank = false;
        value = '';
        i++;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(rowLine, `unterminated quoted field starting on line ${rowLine}`);
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          value += ch;
          i++;
        }
        // Only spaces may follow the closing quote before the separator.
        while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new CsvSyntaxError(line, `unexpected '${text[i]}' after a closing quote on line ${line}`);
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
      }
      if (!quoted) value = value.trim();
      if (value !== '') blank = false;
      fields.push(value);
      if (text[i] === ',') {
        blank = false;
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') {
      i++;
      line++;
    }
    if (!blank) rows.push({ line: rowLine, fields });
  }
  return rows;
}
