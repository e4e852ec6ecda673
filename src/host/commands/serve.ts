import { type Command, intOption, stringOption, workspaceHelp, workspaceOption } from './common';

export const serveCommand: Command = {
  name: 'serve',
  positionals: 0,
  summary: 'serve the app over HTTP + WebSocket for a browser (headless machines)',
  usage: 'evolab serve [--port P] [--host H] [--backend B] [--allow-path FILE_OR_DIR]...',
  help: [
    '  --port P          port (default: a free one)',
    '  --host H          interface to bind (default 127.0.0.1)',
    '  --backend B       compute backend of runs started there',
    '  --allow-path P    a task file, or a folder of them, outside the workspace that runs started there may read',
    '                    (repeatable; by default only files inside the workspace)',
    workspaceHelp,
  ],
  options: {
    ...workspaceOption,
    port: { type: 'string' },
    host: { type: 'string' },
    backend: { type: 'string' },
    'allow-path': { type: 'string', multiple: true },
  },
  async run(ctx) {
    const port = intOption(ctx.values, 'port');
    const allowPaths = (ctx.values['allow-path'] as string[] | undefined) ?? [];
    // Loaded only here: the other commands need neither ws nor the engine host.
    const { serve } = await import('../serve');
    const handle = await serve({
      port,
      host: stringOption(ctx.values, 'host'),
      workspace: ctx.workspace,
      backend: stringOption(ctx.values, 'backend'),
      allowPaths,
    });
    ctx.out(handle.url);
    ctx.err('Open the URL above in a browser. Ctrl-C stops the server and the engine.\n');
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await handle.close();
    return 0;
  },
};
