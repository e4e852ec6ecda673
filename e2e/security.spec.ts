import WebSocket from 'ws';
import { expect, test } from './fixtures';

function wsStatus(url: string): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
  });
}

test.describe('token', () => {
  test('the page and the API refuse requests without the token', async ({ host, page }) => {
    const { origin } = host.current;
    const response = await page.goto(`${origin}/`);
    expect(response?.status()).toBe(401);
    expect((await page.goto(`${origin}/?token=wrong`))?.status()).toBe(401);
    expect((await page.request.post(`${origin}/api/runs.list`, { data: {} })).status()).toBe(401);
  });

  test('the WebSocket refuses a connection without the right token', async ({ host }) => {
    const ws = host.current.origin.replace('http:', 'ws:');
    expect(await wsStatus(`${ws}/ws`)).toBe(401);
    expect(await wsStatus(`${ws}/ws?token=wrong`)).toBe(401);
    expect(await wsStatus(`${ws}/ws?token=${host.current.token}`)).toBe('open');
  });

  test('a tab opened without the token says it needs the printed URL, not that the host stopped', async ({ app, host }) => {
    // The first tab's cookie loads the page's files; the new tab has no token for the API, as when its URL was typed.
    const tab = await app.page.context().newPage();
    await tab.goto(`${host.current.origin}/#/runs`);
    await expect(tab.getByTestId('banner')).toContainText('opened without its access token');
    await expect(tab.getByTestId('banner')).toContainText('URL that `evolab serve` printed');
    await expect(tab.getByTestId('banner')).not.toContainText('stopped');
    await tab.close();
  });

  test('with the token the app loads and reaches the engine', async ({ app }) => {
    await expect(app.page.getByTestId('engine-state')).toHaveText('engine: ready');
    await app.go('#/settings');
    await expect(app.page.getByTestId('backend-active')).toHaveText(/tensorflow-gpu|tensorflow|wasm|cpu/);
    await expect(app.page.getByTestId('workspace')).toHaveText(/evolab-e2e-/);
    await expect(app.page.getByTestId('workers-cores')).toHaveText(/^[1-9]\d*$/);
    await expect(app.page.getByTestId('workers-auto')).toHaveText(/^[1-9]\d*$/);
    await app.screenshot('settings');
  });
});
