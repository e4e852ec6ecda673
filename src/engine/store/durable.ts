import fs from 'node:fs';

/**
 * Makes a rename or link in `dir` durable (a power cut must not bring back the old name). Windows cannot open a
 * folder, and does not need it.
 */
export function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
