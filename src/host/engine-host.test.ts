import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CodedError } from '../shared/errors';
import { EngineHost, minimalEnv, nodeSpawner, type EngineExit } from './engine-host';

const fakeEngine = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'fake-engine.mjs');
const hosts: EngineHost[] = [];

function createHost(options: { restartOnCrash?: boolean; execArgv?: string[]; env?: Record<string, string>; readyTimeoutMs?: number } = {}): EngineHost {
  const host = new EngineHost({
    workspace: '/tmp/evolab-test-ws',
    // No tsx unless a test asks for the default: the fake engine is plain JavaScript.
    spawn: nodeSpawner({ entry: fakeEngine, execArgv: 'execArgv' in options ? options.execArgv : [] }),
    restartOnCrash: options.restartOnCrash,
    env: options.env,
    readyTimeoutMs: options.readyTimeoutMs,
    echoOutput: false,
  });
  hosts.push(host);
  return host;
}

/** Rejects after `ms` instead of hanging the test until vitest's timeout, naming what never came. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);
}

function nextExit(host: EngineHost): Promise<EngineExit> {
  return new Promise((resolve) => {
    const off = host.onExit((exit) => {
      off();
      resolve(exit);
    });
  });
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.kill(100)));
});

describe('EngineHost', () => {
  it('answers requests by id and forwards events', async () => {
    const host = createHost();
    const statuses: string[] = [];
    const logs: unknown[] = [];
    host.onEvent((name, payload) => {
      if (name === 'engine.status') statuses.push((payload as { state: string }).state);
      if (name === 'run.log') logs.push(payload);
    });
    await host.start();
    const [a, b] = await Promise.all([host.call('echo', { n: 1 }), host.call('echo', { n: 2 })]);
    expect(a).toEqual({ n: 1 });
    expect(b).toEqual({ n: 2 });
    const info = await host.request('system.info', {});
    expect(info.workspace).toBe('/tmp/evolab-test-ws');
    await host.call('emit', { message: 'hello' });
    expect(logs).toEqual([{ level: 'info', message: 'hello' }]);
    expect(statuses).toEqual(['starting', 'ready']);
  });

  it('rejects with the engine coded error', async () => {
    const host = createHost();
    await host.start();
    const error = await host.call('fail', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('unknown_run');
  });

  it('reports a crash with its exit code and last stderr line, and fails requests in flight', async () => {
    const host = createHost();
    await host.start();
    const crashed = new Promise<EngineExit>((resolve) => host.onCrash(resolve));
    const hanging = host.call('hang', {}).catch((e: unknown) => e);
    const crash = host.call('crash', {}).catch((e: unknown) => e);
    const exit = await crashed;
    expect(exit.state).toBe('crashed');
    expect(exit.code).toBe(3);
    expect(exit.stderrTail).toContain('fatal: out of tensors');
    expect(exit.reason).toContain('exit code 3');
    expect(exit.reason).toContain('fatal: out of tensors');
    for (const error of await Promise.all([hanging, crash])) {
      expect((error as CodedError).code).toBe('engine_crashed');
    }
    expect(host.state).toBe('crashed');
    const after = await host.call('echo', {}).catch((e: unknown) => e);
    expect((after as CodedError).code).toBe('engine_unavailable');
  });

  it('restarts the process after a crash when asked to, without replaying the request', async () => {
    const host = createHost({ restartOnCrash: true });
    await host.start();
    const firstPid = host.pid;
    const ready = new Promise<void>((resolve) =>
      host.onEvent((name, payload) => {
        if (name === 'engine.status' && (payload as { state: string }).state === 'ready') resolve();
      }),
    );
    const lost = await host.call('crash', {}).catch((e: unknown) => e);
    expect((lost as CodedError).code).toBe('engine_crashed');
    await ready;
    expect(host.pid).not.toBe(firstPid);
    await expect(host.call('echo', { again: true })).resolves.toEqual({ again: true });
  });

  it('after kill and restart, answers requests sent while starting and the moment it reports ready', async () => {
    // The fresh engine loses whatever arrives during its first 300 ms, as a process does that is not listening yet.
    const host = createHost({ env: { EVOLAB_FAKE_LISTEN_AFTER_MS: '300' } });
    await host.start();
    await expect(within(host.call('echo', { before: true }), 3000, 'echo after the first start')).resolves.toEqual({ before: true });

    const statuses: string[] = [];
    let duringStart: Promise<unknown> | null = null;
    const afterReady = new Promise<unknown>((resolve, reject) => {
      host.onEvent((name, payload) => {
        if (name !== 'engine.status') return;
        const { state } = payload as { state: string };
        statuses.push(state);
        if (state === 'starting') duringStart = host.call('echo', { sentWhile: 'starting' });
        // What a client does on seeing "ready": ask at once (the run screen re-reads its run).
        if (state === 'ready') host.call('runs.get', { runId: 'r1' }).then(resolve, reject);
      });
    });
    await host.kill(1000);
    const restarted = host.start();
    expect(host.state).toBe('starting');
    await restarted;
    expect(statuses).toEqual(['killed', 'starting', 'ready']);
    await expect(within(afterReady, 3000, 'runs.get sent on "ready"')).resolves.toEqual({ id: 'r1', status: 'interrupted' });
    await expect(within(duringStart!, 3000, 'echo sent while starting')).resolves.toEqual({ sentWhile: 'starting' });
  });

  it('kills an engine that never sends its handshake and fails the requests it held back', async () => {
    const host = createHost({ env: { EVOLAB_FAKE_NO_READY: '1' }, readyTimeoutMs: 300 });
    const exitPromise = nextExit(host);
    const started = host.start().catch((e: unknown) => e);
    const held = host.call('echo', {}).catch((e: unknown) => e);
    const exit = await exitPromise;
    expect(exit.state).toBe('crashed');
    expect(exit.reason).toContain('no ready handshake');
    expect(((await started) as CodedError).code).toBe('engine_unavailable');
    expect(((await held) as CodedError).code).toBe('engine_crashed');
  });

  it('kills an engine stuck in a busy loop within the grace period', async () => {
    const host = createHost();
    await host.start();
    await host.call('busy', {});
    const exitPromise = nextExit(host);
    const started = Date.now();
    await expect(host.kill(300)).resolves.toBe(true);
    const elapsed = Date.now() - started;
    const exit = await exitPromise;
    expect(exit.state).toBe('killed');
    expect(exit.signal).toBe('SIGKILL');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
    expect(host.state).toBe('killed');
  });

  it('stop() ends an idle engine with SIGTERM and reports it exited', async () => {
    const host = createHost();
    await host.start();
    const exitPromise = nextExit(host);
    await host.stop(5000);
    const exit = await exitPromise;
    expect(exit.state).toBe('exited');
    expect(exit.signal).toBe('SIGTERM');
  });

  it('gives the child a minimal environment and runs it through tsx', async () => {
    process.env.EVOLAB_TEST_FLAG = 'on';
    process.env.SECRET_TOKEN_FOR_TEST = 'leak';
    const previousNodeOptions = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = '--max-old-space-size=64';
    try {
      const host = createHost({ execArgv: undefined });
      await host.start();
      const { env, argv, execArgv } = (await host.call('env', {})) as {
        env: Record<string, string>;
        argv: string[];
        execArgv: string[];
      };
      expect(env.EVOLAB_TEST_FLAG).toBe('on');
      expect(env.SECRET_TOKEN_FOR_TEST).toBeUndefined();
      expect(env.NODE_OPTIONS).toBeUndefined();
      expect(env.PATH).toBe(process.env.PATH);
      expect(argv).toEqual(['--workspace', '/tmp/evolab-test-ws']);
      expect(execArgv).toEqual(['--import', 'tsx']);
    } finally {
      delete process.env.EVOLAB_TEST_FLAG;
      delete process.env.SECRET_TOKEN_FOR_TEST;
      if (previousNodeOptions === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = previousNodeOptions;
    }
  });

  it('minimalEnv keeps EVOLAB_* and the few system variables only', () => {
    const env = minimalEnv({ PATH: '/bin', HOME: '/h', EVOLAB_X: '1', AWS_SECRET: 's', NODE_OPTIONS: '--inspect', XDG_CONFIG_HOME: '/c' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', EVOLAB_X: '1', XDG_CONFIG_HOME: '/c' });
  });
});
