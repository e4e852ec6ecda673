/** Prints the fault-injection report and writes test-results/faults/report.json; exits 1 if any failure count is not zero. */
import fs from 'node:fs';
import path from 'node:path';
import { faultsDir, readFaultReport } from './report';

const report = readFaultReport();
const names = Object.keys(report);
if (names.length === 0) {
  process.stderr.write('No fault-injection sections were recorded (did the suite run?).\n');
  process.exit(1);
}
let bad = 0;
process.stdout.write('section    trials  failures (all must be 0)\n');
for (const name of names) {
  const s = report[name]!;
  const failures = Object.entries(s.failures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  bad += Object.values(s.failures).reduce((a, b) => a + b, 0);
  process.stdout.write(`${name.padEnd(10)} ${String(s.trials).padStart(6)}  ${failures}\n  ${s.summary}\n`);
}
fs.writeFileSync(path.join(faultsDir, 'report.json'), `${JSON.stringify({ sections: report, failures: bad }, null, 2)}\n`);
process.stdout.write(`report: test-results/faults/report.json\n`);
process.exit(bad === 0 ? 0 : 1);
