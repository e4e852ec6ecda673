interface Props {
  title: string;
  message: string | null;
  hint?: string;
  issues?: Array<{ path: string; message: string }>;
}

/** What went wrong and what to do about it; coded errors list each invalid field. */
export function ErrorBox({ title, message, hint, issues = [] }: Props) {
  if (!message) return null;
  return (
    <div className="error-box" role="alert">
      <strong>{title}</strong> <span className="pre-line">{message}</span>
      {issues.length > 0 && (
        <ul>
          {issues.map((i) => (
            <li key={i.path}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
      {hint && <div className="hint">{hint}</div>}
    </div>
  );
}
