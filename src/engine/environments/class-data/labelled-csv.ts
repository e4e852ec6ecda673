/**
 * Labelled examples in CSV, the layout of the paper's mnist_train.csv: one example per line, the label (an integer
 * 0..K-1) first, then the features as numbers; an optional header line (its first field is not a number); blank
 * lines are skipped. A malformed line is refused naming the file, the line number and the fix.
 */
import { dataError, readDataFile } from './idx';

export interface CsvExamples {
  count: number;
  features: number;
  values: Float32Array;
  labels: Int32Array;
}

const MAX_LABEL = 999;

export function readLabelledCsv(file: string, field: string, scale: number): CsvExamples {
  const text = readDataFile(field, file).toString('utf8');
  if (text.includes('\u0000'))
    throw dataError(field, file, 'line 1', 'NUL characters: a binary or UTF-16 file', 'save it as UTF-8 text (an IDX file goes under data.source "idx")');
  const lines = text.split(/\r?\n/);
  let features = -1;
  const rows: number[][] = [];
  const labels: number[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const where = `line ${i + 1}`;
    if (line === '') return;
    const fields = line.split(',').map((f) => f.trim());
    if (rows.length === 0 && features === -1 && !/^[-+]?\d/.test(fields[0]!)) return; // a header
    const label = Number(fields[0]);
    if (!Number.isInteger(label) || label < 0 || label > MAX_LABEL)
      throw dataError(field, file, where, `the label "${fields[0]}" is not an integer 0..${MAX_LABEL}`, 'put the class number (0, 1, ...) in the first column');
    if (fields.length < 2) throw dataError(field, file, where, 'a label without features', 'write the features after the label, separated by commas');
    if (features === -1) features = fields.length - 1;
    else if (fields.length - 1 !== features)
      throw dataError(
        field,
        file,
        where,
        `${fields.length - 1} features where the first example has ${features}`,
        'give every line the same number of columns',
      );
    const row = new Array<number>(features);
    for (let k = 1; k < fields.length; k++) {
      const v = Number(fields[k]);
      if (fields[k] === '' || !Number.isFinite(v))
        throw dataError(field, file, `${where}, column ${k + 1}`, `"${fields[k]}" is not a number`, 'write every feature as a plain number');
      row[k - 1] = v * scale;
    }
    rows.push(row);
    labels.push(label);
  });
  if (rows.length === 0) throw dataError(field, file, 'line 1', 'no examples', 'give a CSV file with one labelled example per line');
  const values = new Float32Array(rows.length * features);
  rows.forEach((r, i) => values.set(r, i * features));
  return { count: rows.length, features, values, labels: Int32Array.from(labels) };
}
