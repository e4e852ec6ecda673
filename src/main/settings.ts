import Store, { type Schema } from 'electron-store';

/**
 * Settings of the app itself (never of runs: those live in the workspace database).
 *
 * Format history, recorded by electron-store as its "project version" (decoupled from the app version
 * so a release that leaves settings alone needs no migration):
 * - 1.0.0, the first release: { bounds: {x?, y?, width, height}, theme, workspace: string ('' = default), backend }
 * - 2.0.0: { window: {bounds, maximized}, theme, workspace: string | null (null = default), defaultBackend }
 */
export const SETTINGS_FORMAT = '2.0.0';

export type Theme = 'system' | 'light' | 'dark';
export type BackendSetting = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface Settings {
  window: { bounds: WindowBounds; maximized: boolean };
  theme: Theme;
  /** null: the default folder, `workspace` under the app's userData. */
  workspace: string | null;
  defaultBackend: BackendSetting;
}

const BACKENDS: BackendSetting[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];
const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 820 };

export const settingsSchema: Schema<Settings> = {
  window: {
    type: 'object',
    properties: {
      bounds: {
        type: 'object',
        properties: {
          x: { type: 'integer' },
          y: { type: 'integer' },
          width: { type: 'integer', minimum: 400 },
          height: { type: 'integer', minimum: 300 },
        },
        required: ['width', 'height'],
      },
      maximized: { type: 'boolean' },
    },
    required: ['bounds', 'maximized'],
    default: { bounds: DEFAULT_BOUNDS, maximized: false },
  },
  theme: { type: 'string', enum: ['system', 'light', 'dark'], default: 'system' },
  workspace: { type: ['string', 'null'], default: null },
  defaultBackend: { type: 'string', enum: BACKENDS, default: 'auto' },
};

type MigrationStore = { get(key: string): unknown; set(key: string, value: unknown): void; delete(key: string): void; has(key: string): boolean };

/** Moves a first-release (format 1.0.0) store to format 2.0.0, keeping every value the user chose. */
export function migrateToFormat2(store: MigrationStore): void {
  if (store.has('bounds')) {
    const bounds = store.get('bounds');
    store.delete('bounds');
    if (isBounds(bounds)) store.set('window', { bounds: clampBounds(bounds), maximized: false });
  }
  if (store.has('backend')) {
    const backend = store.get('backend');
    store.delete('backend');
    if (typeof backend === 'string' && (BACKENDS as string[]).includes(backend)) store.set('defaultBackend', backend);
  }
  // The first release wrote '' for "the default folder".
  if (store.get('workspace') === '') store.set('workspace', null);
}

export const settingsMigrations = {
  '2.0.0': (store: MigrationStore) => migrateToFormat2(store),
};

function isBounds(value: unknown): value is WindowBounds {
  return typeof value === 'object' && value !== null && typeof (value as WindowBounds).width === 'number' && typeof (value as WindowBounds).height === 'number';
}

function clampBounds(bounds: WindowBounds): WindowBounds {
  const result: WindowBounds = {
    width: Math.max(400, Math.round(bounds.width)),
    height: Math.max(300, Math.round(bounds.height)),
  };
  if (typeof bounds.x === 'number') result.x = Math.round(bounds.x);
  if (typeof bounds.y === 'number') result.y = Math.round(bounds.y);
  return result;
}

export type SettingsStore = Store<Settings>;

/** `cwd` is for tests; the app keeps settings in its userData folder. */
export function createSettings(options: { cwd?: string } = {}): SettingsStore {
  return new Store<Settings>({
    name: 'settings',
    cwd: options.cwd,
    schema: settingsSchema,
    projectVersion: SETTINGS_FORMAT,
    migrations: settingsMigrations,
    clearInvalidConfig: false,
  });
}
