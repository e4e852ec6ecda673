/**
 * Runs `evolab run ... --json` child processes, at most `parallel` at a time: each run of a sweep is a process of
 * its own (its own engine and backend), all in one workspace, whose database takes writers from several processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'evolab.js');

export interface Job {
  args: string[];
  /** Each line the child writes on stdout (a JSON event of `evolab run --json`), as it comes. */
  onLine?: (line: string) => void;
}

export interface JobResult {
  runId: string | null;
  status: string;
  code: number | null;
  seconds: number;
  /** The child's last lines on stderr, for a run that failed. */
  stderrTail: string;
}

/** Starts one `evolab run ... --json` child and resolves when it has ended; `children` holds it while it runs. */
export function runJob(job: Job, children: Set<ChildProcess>): Promise<JobResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    // EVOLAB_WORKSPACE is cleared: the job's own --workspace is the one that counts.
    const child = spawn(process.execPath, [bin, ...job.args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EVOLAB_WORKSPACE: '' } });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let seen = 0;
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!job.onLine) return;
      const end = stdout.lastIndexOf('\n');
      if (end < seen) return;
      for (const line of stdout.slice(seen, end).split('\n')) if (line.trim()) job.onLine(line);
      seen = end + 1;
    });
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    const finish = (code: number | null, error?: Error) => {
      children.delete(child);
      let runId: string | null = null;
      let status = 'failed';
      for (const line of stdout.split('\n')) {
        try {
          const event = JSON.parse(line) as { event?: string; runId?: string; status?: string };
          if (event.event === 'done') {
            runId = event.runId ?? null;
            status = event.status ?? status;
          }
        } catch {
          // Not a JSON line (a warning the engine printed): skipped.
        }
      }
      const tail = (error ? `${error.message}\n` : '') + stderr.trim().split('\n').slice(-5).join('\n');
      resolve({ runId, status, code, seconds: (performance.now() - started) / 1000, stderrTail: tail });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

export interface Pool {
  /** Resolves with every job's result, in the jobs' order. */
  done: Promise<JobResult[]>;
  /** Starts no more jobs and asks the running ones to stop (SIGINT: each keeps its last checkpoint). */
  stop(): void;
}

export function runPool(jobs: Job[], parallel: number, onDone: (index: number, result: JobResult) => void): Pool {
  const children = new Set<ChildProcess>();
  const results: JobResult[] = new Array(jobs.length);
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && next < jobs.length) {
      const index = next++;
      results[index] = await runJob(jobs[index], children);
      onDone(index, results[index]);
    }
  };
  const done = Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, worker)).then(() =>
    jobs.map((_, i) => results[i] ?? { runId: null, status: 'not started', code: null, seconds: 0, stderrTail: '' }),
  );
  return {
    done,
    stop() {
      stopped = true;
      for (const child of children) child.kill('SIGINT');
    },
  };
}
