/**
 * One CSV cell. Spreadsheets run cells starting with = + - @ (and tab / carriage return) as formulas, so such cells
 * get a leading apostrophe (OWASP's CSV-injection advice); every cell is quoted with inner quotes doubled (RFC 4180).
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
