/**
 * `estp serve --org O`: the org's web service — REST API, OpenAPI, live events, the meter gateway,
 * audit and the dashboard (web/server.ts, docs/web.md) — until Ctrl-C or SIGTERM.
 */
import { UsageError } from '../../gateway/errors';
import { sharedGrpcClients } from '../../gateway/grpc';
import { resolveIdentity } from '../../gateway/identity';
import { settingsOf, textOption } from '../context';
import { toolUsage } from '../usage';
import type { ToolCommand } from './types';

function portOf(text: string | undefined, usage: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535)
    throw new UsageError(`--port must be a port number, got "${text}"`, usage);
  return port;
}

export const serveCommand: ToolCommand = {
  name: 'serve',
  description:
    "the org's web service: REST API (/api/docs), live events, meter gateway, audit and the dashboard",
  synopsis:
    'estp serve --org <org> [--port N] [--host <address>] [--login <user>] [--keys-file <path>] [--cny-per-eur <rate>] [--access-log]',
  examples: [
    'estp serve --org community --login member1',
    'estp serve --org utility --port 7081 --cny-per-eur 7.6123 --access-log',
  ],
  options: [
    {
      name: 'port',
      value: '<N>',
      description: 'port (env ESTP_WEB_PORT; default ESTP_PORT_BASE + 80, i.e. 7080)',
    },
    {
      name: 'host',
      value: '<address>',
      description: 'address to listen on (env ESTP_WEB_HOST; default 127.0.0.1)',
    },
    {
      name: 'login',
      value: '<user>',
      description:
        'create a fresh dashboard key for this user (revoking its previous one) and print a login URL',
    },
    {
      name: 'keys-file',
      value: '<path>',
      description: 'the API key file (env ESTP_API_KEYS; default <org directory>/web/api-keys.json)',
    },
    {
      name: 'cny-per-eur',
      value: '<rate>',
      description: 'display rate for CNY amounts (env ESTP_CNY_PER_EUR; default 7.80, illustrative)',
    },
    { name: 'access-log', description: 'log one line per request' },
  ],
  run: async (context) => {
    const usage = toolUsage(serveCommand);
    const settings = settingsOf(context.global, usage);
    const accessLog = context.options.get('access-log');
    if (accessLog !== undefined && accessLog !== true)
      throw new UsageError('--access-log takes no value', usage);
    // Loaded on demand: every other command starts without the web layer.
    const [{ WebService }, { addApiKey, apiKeysFile }, { DEFAULT_RATE_SOURCE, displaySettings }] =
      await Promise.all([
        import('../../web/server'),
        import('../../web/api-keys'),
        import('../../web/display'),
      ]);
    const { org } = settings;
    const keysFile = textOption(context.options, 'keys-file') ?? apiKeysFile(settings);
    const rate = textOption(context.options, 'cny-per-eur') ?? process.env['ESTP_CNY_PER_EUR'];
    const display = displaySettings(rate, process.env['ESTP_CNY_RATE_SOURCE']);
    const login = textOption(context.options, 'login');
    let loginKey: string | undefined;
    if (login !== undefined) {
      resolveIdentity(settings.wallet, org, login);
      loginKey = addApiKey(keysFile, org.mspId, login, { label: 'dashboard login', replaceLabel: true }).key;
    }
    const port = portOf(textOption(context.options, 'port'), usage);
    const host = textOption(context.options, 'host') ?? process.env['ESTP_WEB_HOST'];
    const service = await WebService.start({
      settings,
      keysFile,
      display,
      accessLog: accessLog === true,
      log: (line) => {
        context.io.err(line);
      },
      ...(port === undefined ? {} : { port }),
      ...(host === undefined ? {} : { host }),
    });
    const active = service.state.keys.active().length;
    context.io.out(
      [
        `ESTP web service of ${org.mspId} (${org.name}) on ${service.url}`,
        loginKey === undefined
          ? `  dashboard  ${service.url}`
          : `  dashboard  ${service.url}#key=${loginKey}   (signed in as ${login ?? ''}; this key is shown only now)`,
        `  API        ${service.url}api/docs  (OpenAPI 3.1: ${service.url}api/openapi.json)`,
        `  API keys   ${active} active in ${keysFile}; add one: npx estp api-key create --org ${org.name} --user <name>`,
        `  money      EUR; CNY at ${display.cnyPerEur} per EUR, for display only (${display.rateSource ?? DEFAULT_RATE_SOURCE})`,
        'Ctrl-C stops.',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    context.io.err('stopping…');
    await service.close();
    sharedGrpcClients.closeAll();
    // A clean close leaves nothing open; should a peer stream linger anyway, it must not keep a
    // stopped service's process alive.
    setTimeout(() => process.exit(0), 5_000).unref();
    return 0;
  },
};
