/** One CSV cell: text from the ledger (a caller chose some of it, such as model names), or a number. */
export type CsvCell = string | number | null;

// Spreadsheets run a cell that starts like a formula (=, +, -, @, and the full-width forms some
// accept), or with a tab or carriage return before one. Spaces first do not stop every one of them.
const FORMULA = /^[\s]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;
// A plain decimal number ("-1.5" too) is data in every spreadsheet, never a formula.
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A text cell made inert for spreadsheets: one that would start a formula gets a leading
 * apostrophe, which Excel, LibreOffice and Google Sheets show as text. The CSV stays lossless to
 * read for a program that knows the rule (the apostrophe is the only change).
 */
export function neutraliseFormula(text: string): string {
  return FORMULA.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** RFC 4180: quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
function field(cell: CsvCell): string {
  if (cell === null) return "";
  if (typeof cell === "number") return String(cell);
  const text = neutraliseFormula(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header and rows as RFC 4180 CSV: CRLF after every record, the last one included. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => `${row.map(field).join(",")}\r\n`).join("");
}
