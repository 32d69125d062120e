import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, ConfigError, temporalUiBase } from '../../app/config';

const ROOT = path.resolve(__dirname, '../..');

describe('configuration from the environment', () => {
  it('has working defaults for one machine', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: './data', NODE_ENV: 'development', AUTH_CAPTCHA: 'on', PG_PORT: 5433, TEMPORAL_PORT: 7233, TEMPORAL_UI_PORT: 8233 });
    expect(c.dataDir).toBe(path.resolve('data'));
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.TEMPORAL_ADDRESS).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PG_PORT', '0'],
    ['TEMPORAL_UI_PORT', 'x'],
    ['TEMPORAL_UI_URL', 'temporal.example.gov.cn'],
    ['TEMPORAL_UI_URL', 'ftp://temporal.example.gov.cn'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['TEMPORAL_ADDRESS', 'localhost'],
    ['NODE_ENV', 'staging'],
    ['AUTH_CAPTCHA', 'maybe'],
    ['JWT_SECRET', 'short'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`\\b${name}\\b`));
  });

  it('links audit pages to TEMPORAL_UI_URL, else to the dev server’s UI', () => {
    expect(temporalUiBase(loadConfig({}))).toBe('http://127.0.0.1:8233');
    expect(temporalUiBase(loadConfig({ TEMPORAL_UI_PORT: '9000' }))).toBe('http://127.0.0.1:9000');
    expect(temporalUiBase(loadConfig({ TEMPORAL_UI_URL: 'https://temporal.example.gov.cn/ui/' }))).toBe('https://temporal.example.gov.cn/ui');
  });

  it('refuses AUTH_CAPTCHA=off in production, and production without JWT_SECRET', () => {
    const secret = 'x'.repeat(40);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_CAPTCHA: 'off', JWT_SECRET: secret })).toThrow(/AUTH_CAPTCHA/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).AUTH_CAPTCHA).toBe('on');
    expect(loadConfig({ NODE_ENV: 'test', AUTH_CAPTCHA: 'off' }).AUTH_CAPTCHA).toBe('off');
  });

  it('stops `npm start` before it starts anything, with the variable named', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'not-a-port', DATA_DIR: '/nonexistent/never-created' },
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PORT');
    expect(run.stdout).not.toContain('PostgreSQL ready');
  });

  it('has every variable documented in the README', () => {
    const source = fs.readFileSync(path.join(ROOT, 'app/config.ts'), 'utf8');
    const names = [...source.matchAll(/^\s{4}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(names).toContain('DATABASE_URL');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(names.filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
  });
});
