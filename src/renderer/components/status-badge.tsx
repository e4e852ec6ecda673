import type { RunStatus } from '../../shared/run';

export function StatusBadge({ status, testId }: { status: RunStatus | string | null; testId?: string }) {
  const s = status ?? 'unknown';
  return (
    <span className={`badge badge-${s}`} data-testid={testId} data-status={s}>
      {s}
    </span>
  );
}
