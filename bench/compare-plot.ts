/**
 * Plots `evolab compare --json` results: one SVG panel per comparison (seed), the best agent's estimated score
 * against the budget spent, one line per strategy; and a Markdown table of the final numbers, with the mean over
 * seeds per strategy.
 *
 *   node --import tsx bench/compare-plot.ts --out docs/images/archive-compare.svg seed1.json seed2.json ...
 */
import fs from 'node:fs';
import path from 'node:path';

interface Run {
  strategy: string;
  status: string;
  metrics: Record<string, number>;
  rootHeldout: number | null;
  curve: Array<[number, number]>;
  seconds: number;
}
interface Report {
  seed: number;
  preset: string;
  runs: Run[];
}

const COLORS: Record<string, string> = { dgm: '#2563eb', hgm: '#ea580c', 'no-darwin': '#16a34a', 'no-selfimprove': '#9333ea' };
const W = 360;
const H = 240;
const PAD = { l: 44, r: 12, t: 28, b: 36 };

function panel(report: Report, x0: number, yMin: number, yMax: number): string {
  const xMax = Math.max(...report.runs.flatMap((r) => r.curve.map((p) => p[0])));
  const sx = (x: number) => x0 + PAD.l + (x / xMax) * (W - PAD.l - PAD.r);
  const sy = (y: number) => PAD.t + (1 - (y - yMin) / (yMax - yMin)) * (H - PAD.t - PAD.b);
  const out: string[] = [];
  out.push(`<text x="${x0 + W / 2}" y="16" text-anchor="middle" font-size="13">seed ${report.seed}</text>`);
  for (let k = 0; k <= 4; k++) {
    const y = yMin + ((yMax - yMin) * k) / 4;
    out.push(`<line x1="${sx(0)}" x2="${sx(xMax)}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${sx(0) - 4}" y="${sy(y) + 4}" text-anchor="end" font-size="10">${y.toFixed(2)}</text>`);
  }
  for (let k = 0; k <= 4; k++) {
    const x = (xMax * k) / 4;
    out.push(`<text x="${sx(x)}" y="${H - PAD.b + 14}" text-anchor="middle" font-size="10">${Math.round(x)}</text>`);
  }
  out.push(`<text x="${x0 + W / 2}" y="${H - 6}" text-anchor="middle" font-size="11">budget used (evaluation units)</text>`);
  for (const run of report.runs) {
    // A step function: the best estimate holds until the next step changes it.
    const pts: string[] = [];
    run.curve.forEach(([x, y], i) => {
      if (i > 0) pts.push(`${sx(x).toFixed(1)},${sy(run.curve[i - 1]![1]).toFixed(1)}`);
      pts.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    });
    out.push(`<polyline fill="none" stroke="${COLORS[run.strategy] ?? '#000'}" stroke-width="2" points="${pts.join(' ')}"/>`);
  }
  return out.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  if (outAt < 0 || !args[outAt + 1]) throw new Error('usage: compare-plot.ts --out FILE.svg REPORT.json ...');
  const out = args[outAt + 1]!;
  const files = args.filter((_, i) => i !== outAt && i !== outAt + 1);
  const reports = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as Report);
  // Each panel gets its own y range: seeds start from very different roots, and a shared axis hides the differences.
  const range = (r: Report): [number, number] => {
    const ys = r.runs.flatMap((run) => run.curve.map((p) => p[1]));
    return [Math.floor(Math.min(...ys) * 20) / 20, Math.ceil(Math.max(...ys) * 20) / 20];
  };
  const strategies = [...new Set(reports.flatMap((r) => r.runs.map((run) => run.strategy)))];
  const width = W * reports.length;
  const legend = strategies
    .map(
      (s, i) =>
        `<rect x="${10 + i * 130}" y="${H + 6}" width="14" height="4" fill="${COLORS[s] ?? '#000'}"/><text x="${28 + i * 130}" y="${H + 12}" font-size="11">${s}</text>`,
    )
    .join('\n');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 20}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n<text x="4" y="${PAD.t - 14}" font-size="10">best est.</text>\n${reports.map((r, i) => panel(r, i * W, ...range(r))).join('\n')}\n${legend}\n</svg>\n`;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, svg);

  const rows = [
    '| seed | strategy | children | kept | pending | max gen | best own score (search set) | final held-out | seconds |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of reports) {
    rows.push(`| ${r.seed} | root (all) | | | | | | ${r.runs[0]?.rootHeldout?.toFixed(3) ?? '-'} | |`);
    for (const run of r.runs) {
      const m = run.metrics;
      rows.push(
        `| ${r.seed} | ${run.strategy} | ${m['archive/expansions']} | ${m['archive/kept']} | ${m['archive/pending']} | ${m['archive/max_generation']} | ${m['archive/best_score']?.toFixed(3)} | ${m['archive/final_heldout']?.toFixed(3)} | ${run.seconds.toFixed(0)} |`,
      );
    }
  }
  rows.push('', '| strategy | mean final held-out | mean gain over the root | seeds |', '|---|---|---|---|');
  for (const s of strategies) {
    const runs = reports.flatMap((r) => r.runs.filter((run) => run.strategy === s).map((run) => ({ run, root: r.runs[0]?.rootHeldout ?? 0 })));
    const finals = runs.map((x) => x.run.metrics['archive/final_heldout']!);
    const gains = runs.map((x) => x.run.metrics['archive/final_heldout']! - x.root);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    rows.push(`| ${s} | ${mean(finals).toFixed(3)} | ${mean(gains) >= 0 ? '+' : ''}${mean(gains).toFixed(3)} | ${runs.length} |`);
  }
  console.log(rows.join('\n'));
}

main();
